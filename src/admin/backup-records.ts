// The records of a backup file (JSON lines, one record per line, each with a `type`), as the import
// parses them before anything is written. D1 rows are carried column for column as SQLite returns
// them (booleans 0/1, times in ms); a check's object travels as its dump (src/checks/check-dump.ts).
// Version 2 carries the people: each project's accounts (better-auth's `user` rows with their
// `account` and `two_factor` rows) before it, its organization, members and pending invitations in
// it. Version 1 files are still read: their `user` record is a row of the old `users` table and
// their `project` record has no `organization` (src/admin/backup.ts turns both into accounts).
import { z } from "zod";

export const BACKUP_FORMAT = "edgechecks-backup";
/** Bumped when a record's shape changes; the import reads the versions in READABLE_VERSIONS. */
export const BACKUP_VERSION = 2;
export const READABLE_VERSIONS = [1, 2] as const;

/** Members and pending invitations per project record at most (a team, not a mailing list). */
export const MAX_MEMBERS = 1000;

const id = z.string().min(1).max(64);
const time = z.int();
const optionalTime = z.int().nullable();
const flag = z.union([z.literal(0), z.literal(1)]);
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullable();
const role = z.enum(["owner", "manager", "member", "readonly"]);

/** Version 1 only: a row of the old `users` table, read by nothing since accounts landed. */
export const legacyUserRowSchema = z.object({ id, email: text(254), created: time });

/** better-auth's `user` row. Sign-up does not bound name or email, so these limits are generous. */
export const userRowSchema = z.object({
  id,
  name: text(10_000),
  email: text(1000),
  email_verified: flag,
  image: optionalText(10_000),
  created_at: time,
  updated_at: time,
  time_zone: optionalText(100),
  two_factor_enabled: flag.nullable(),
  // Absent from files made before the checks list stored its sort order.
  checks_sort: optionalText(20).optional(),
});

/** better-auth's `account` row: a credential row holds the password hash as stored, an OAuth row its tokens. */
export const accountRowSchema = z.object({
  id,
  account_id: text(1000),
  provider_id: text(100),
  user_id: id,
  access_token: optionalText(20_000),
  refresh_token: optionalText(20_000),
  id_token: optionalText(20_000),
  access_token_expires_at: optionalTime,
  refresh_token_expires_at: optionalTime,
  scope: optionalText(10_000),
  password: optionalText(1000),
  created_at: time,
  updated_at: time,
});

/** The two-factor plugin's row: secret and backup codes as the library stores them (encrypted with SECRET_KEY). */
export const twoFactorRowSchema = z.object({
  id,
  secret: text(1000),
  backup_codes: text(20_000),
  user_id: id,
  verified: flag.nullable(),
  failed_verification_count: z.int().min(0).nullable(),
  locked_until: optionalTime,
});

export const projectRowSchema = z.object({
  id: z.uuid(),
  name: text(200),
  owner_id: id.nullable(),
  api_key: text(200),
  api_key_readonly: text(200),
  ping_key_hash: text(128).nullable(),
  badge_key: id,
  ping_log_limit: z.int().min(1).max(10_000),
  nag_period: z.int().min(0),
  created: time,
  // Absent from version 1 files made before ownership transfers existed.
  transfer_to: id.nullable().optional(),
  transfer_requested_at: optionalTime.optional(),
  show_slugs: flag.optional(),
});

/** The project's organization (the same id). */
export const organizationRowSchema = z.object({
  id: z.uuid(),
  name: text(200),
  slug: text(200),
  logo: optionalText(10_000),
  created_at: time,
  metadata: optionalText(10_000),
});

export const memberRowSchema = z.object({ id, organization_id: z.uuid(), user_id: id, role, created_at: time });

/** Only pending invitations are exported (accepted ones are members; the rest are history). */
export const invitationRowSchema = z.object({
  id,
  organization_id: z.uuid(),
  email: text(254),
  role: role.nullable(),
  status: z.literal("pending"),
  expires_at: time,
  created_at: time,
  inviter_id: id,
});

export const channelRowSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  name: text(1000),
  kind: text(50),
  value: text(100_000),
  created: time,
  disabled: flag,
  email_verified: flag,
  last_notify: optionalTime,
  last_notify_duration: optionalTime,
  last_error: text(10_000),
});

export const checkRowSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  name: text(100),
  slug: text(100),
  tags: text(500),
  desc: text(10_000),
  kind: z.enum(["simple", "cron", "oncalendar"]),
  timeout: z.int(),
  grace: z.int(),
  schedule: text(100),
  tz: text(36),
  filter_subject: flag,
  filter_body: flag,
  filter_http_body: flag,
  filter_default_fail: flag,
  start_kw: text(200),
  success_kw: text(200),
  failure_kw: text(200),
  methods: z.enum(["", "POST"]),
  manual_resume: flag,
  unique_key: z.string().length(40),
  badge_key: id,
  created: time,
  version: z.int().min(1),
  status: z.enum(["new", "up", "down", "paused"]),
  last_ping: optionalTime,
  last_start: optionalTime,
  last_duration: optionalTime,
  n_pings: z.int().min(0),
  grace_start: optionalTime,
  alert_after: optionalTime,
  summary_version: z.int().min(0),
  applied_version: z.int().min(0),
  next_alarm: optionalTime,
});

const headerRecord = z.object({
  type: z.literal("header"),
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(READABLE_VERSIONS, { error: `this deployment reads backup format versions ${READABLE_VERSIONS.join(" and ")} only` }),
  check_schema_version: z.int().min(1),
  created: z.string(),
});

/** An account, before each project it is in: its user row, its sign-in methods and its second factor. */
const userRecord = z
  .object({
    type: z.literal("user"),
    row: userRowSchema,
    accounts: z.array(accountRowSchema).max(100),
    two_factor: twoFactorRowSchema.nullable(),
  })
  .superRefine((r, ctx) => {
    r.accounts.forEach((a, i) => {
      if (a.user_id !== r.row.id) ctx.addIssue({ code: "custom", path: ["accounts", i, "user_id"], message: "is not the record's user" });
    });
    if (r.two_factor !== null && r.two_factor.user_id !== r.row.id) {
      ctx.addIssue({ code: "custom", path: ["two_factor", "user_id"], message: "is not the record's user" });
    }
  });

/** A version 1 `user` record: no `accounts` key. Parsed apart from the union (same `type`). */
export const legacyUserRecordSchema = z
  .object({ type: z.literal("user"), row: legacyUserRowSchema })
  .transform((r) => ({ type: "legacy_user" as const, row: r.row }));

/**
 * A project with its team. A version 2 record always has `organization` (null for a project made
 * through the admin API and never given an owner), `members` and `invitations`; a version 1 record
 * has none of them.
 */
const projectRecord = z
  .object({
    type: z.literal("project"),
    row: projectRowSchema,
    organization: organizationRowSchema.nullable().optional(),
    members: z.array(memberRowSchema).max(MAX_MEMBERS).optional(),
    invitations: z.array(invitationRowSchema).max(MAX_MEMBERS).optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (r.organization === undefined) {
      if (r.members !== undefined || r.invitations !== undefined) issue(["organization"], "is required with members and invitations");
      return;
    }
    if (r.members === undefined) issue(["members"], "is required with organization");
    if (r.invitations === undefined) issue(["invitations"], "is required with organization");
    if (r.organization === null) {
      if ((r.members?.length ?? 0) > 0 || (r.invitations?.length ?? 0) > 0) issue(["organization"], "is null but the project has members or invitations");
      return;
    }
    if (r.organization.id !== r.row.id) issue(["organization", "id"], "is not the project's id");
    r.members?.forEach((m, i) => {
      if (m.organization_id !== r.row.id) issue(["members", i, "organization_id"], "is not the project's id");
    });
    r.invitations?.forEach((m, i) => {
      if (m.organization_id !== r.row.id) issue(["invitations", i, "organization_id"], "is not the project's id");
    });
  });

export const backupRecordSchema = z.discriminatedUnion("type", [
  headerRecord,
  userRecord,
  projectRecord,
  z.object({ type: z.literal("channel"), row: channelRowSchema }),
  // `object` is the check object's dump (null: the object never got its configuration), validated
  // by the import against checkDumpSchema.
  z.object({ type: z.literal("check"), row: checkRowSchema, channels: z.array(z.uuid()).max(1000), object: z.unknown() }),
]);

export type BackupRecord = z.infer<typeof backupRecordSchema> | z.infer<typeof legacyUserRecordSchema>;

/** One line's record: a `user` record without `accounts` is version 1's, the rest go by `type`. */
export function parseBackupRecord(json: unknown): { success: true; data: BackupRecord } | { success: false; error: z.ZodError } {
  const legacyUser = typeof json === "object" && json !== null && (json as { type?: unknown }).type === "user" && !("accounts" in json);
  return legacyUser ? legacyUserRecordSchema.safeParse(json) : backupRecordSchema.safeParse(json);
}
