// The records of a backup file (JSON lines, one record per line, each with a `type`), as the import
// parses them before anything is written. D1 rows are carried column for column as SQLite returns
// them (booleans 0/1); a check's object travels as its dump (src/checks/check-dump.ts).
import { z } from "zod";

export const BACKUP_FORMAT = "edgechecks-backup";
/** Bumped when a record's shape changes; the import refuses other versions by name. */
export const BACKUP_VERSION = 1;

const id = z.string().min(1).max(64);
const time = z.int();
const optionalTime = z.int().nullable();
const flag = z.union([z.literal(0), z.literal(1)]);
const text = (max: number) => z.string().max(max);

export const userRowSchema = z.object({ id, email: text(254), created: time });

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

export const backupRecordSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("header"),
    format: z.literal(BACKUP_FORMAT),
    version: z.literal(BACKUP_VERSION, { error: `this deployment reads backup format version ${BACKUP_VERSION} only` }),
    check_schema_version: z.int().min(1),
    created: z.string(),
  }),
  z.object({ type: z.literal("user"), row: userRowSchema }),
  z.object({ type: z.literal("project"), row: projectRowSchema }),
  z.object({ type: z.literal("channel"), row: channelRowSchema }),
  // `object` is the check object's dump (null: the object never got its configuration), validated
  // by the import against checkDumpSchema.
  z.object({ type: z.literal("check"), row: checkRowSchema, channels: z.array(z.uuid()).max(1000), object: z.unknown() }),
]);
export type BackupRecord = z.infer<typeof backupRecordSchema>;
