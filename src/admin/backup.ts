// Backups: every live project as JSON lines — its people (the accounts in it, with their sign-in
// methods and second factor), its D1 rows (project with hashed keys, organization, members, pending
// invitations, channels, checks with their channel assignments) and each check object's dump —
// exported a page at a time, and imported into an empty deployment a bounded chunk at a time
// (docs/operations.md#backups). Sessions, verification tokens and rate-limit rows are never exported.
import { z } from "zod";
import { checkStub } from "../checks/client";
import { CHECK_DO_SCHEMA_VERSION } from "../checks/check-do-schema";
import { checkDumpSchema, dumpConfig } from "../checks/check-dump";
import { base64Url } from "../crypto";
import { BACKUP_FORMAT, BACKUP_VERSION, parseBackupRecord, type BackupRecord } from "./backup-records";

/** Projects and checks exported per page at most: each check is one object call, so a page stays far below the subrequest limit. */
export const PAGE_UNITS = 50;

export const IMPORT_LIMITS = {
  /** Bytes per import request; the CLI sends smaller chunks. */
  maxBody: 32 * 1_048_576,
  /** Bytes per line: one check with its pings must fit one object call (32 MiB) with room to spare. */
  maxLine: 16 * 1_048_576,
  /** Records per request: each check costs a few subrequests (object, D1). */
  maxRecords: 200,
};
export type ImportLimits = typeof IMPORT_LIMITS;

// ---- export ------------------------------------------------------------------------------------

/** Where a page starts: after project `p` (`c` null), or inside project `p` after check `c`. */
const cursorSchema = z.object({ p: z.string().max(64), c: z.string().max(64).nullable() });
export type Cursor = z.infer<typeof cursorSchema>;

const encodeCursor = (cursor: Cursor): string => base64Url(JSON.stringify(cursor));

/** The position a cursor names (undefined: the first page), or null when it is not one of ours. */
export function parseCursor(raw: string | undefined): Cursor | undefined | null {
  if (raw === undefined || raw === "") return undefined;
  try {
    const json = atob(raw.replaceAll("-", "+").replaceAll("_", "/"));
    const parsed = cursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type Row = Record<string, unknown>;
type Emit = (record: Record<string, unknown>) => Promise<void>;

/** Drops what a backup does not carry (tombstones are never exported). */
const live = ({ deleted_at: _, ...row }: Row): Row => row;

/**
 * Emits one page of records; the last is `{"type": "cursor", "next": …}` (null after the last page).
 * The first page starts with the header. Each check's dump is one consistent read of its object; across
 * checks the export is not a snapshot (pings keep arriving while it runs).
 */
export async function exportPage(env: Env, start: Cursor | undefined, emit: Emit, pageUnits = PAGE_UNITS): Promise<void> {
  if (start === undefined) {
    await emit({ type: "header", format: BACKUP_FORMAT, version: BACKUP_VERSION, check_schema_version: CHECK_DO_SCHEMA_VERSION, created: new Date().toISOString() });
  }
  let at: Cursor = start ?? { p: "", c: null };
  let budget = pageUnits;
  while (budget > 0) {
    if (at.c === null) {
      const project = await env.DB.prepare("SELECT * FROM projects WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT 1").bind(at.p).first<Row>();
      if (project === null) {
        await emit({ type: "cursor", next: null });
        return;
      }
      await emitProject(env, project, emit);
      at = { p: project.id as string, c: "" };
      if (--budget === 0) break;
    }
    const { results: checks } = await env.DB.prepare(
      "SELECT * FROM checks WHERE project_id = ? AND id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?",
    )
      .bind(at.p, at.c, budget)
      .all<Row>();
    const assigned = await assignments(env, checks.map((c) => c.id as string));
    for (const row of checks) {
      const object = await checkStub(env, row.id as string).exportState();
      await emit({ type: "check", row: live(row), channels: assigned.get(row.id as string) ?? [], object });
    }
    // A short page of checks means the project is done.
    at = checks.length < budget ? { p: at.p, c: null } : { p: at.p, c: checks.at(-1)!.id as string };
    budget -= Math.max(checks.length, 1);
  }
  await emit({ type: "cursor", next: encodeCursor(at) });
}

/**
 * A project's records: each account in it (members, owner, a pending transfer's target, the inviters
 * of pending invitations) before it, then the project with its organization, members and pending
 * invitations, then its channels. The rows are read in one D1 batch, so they agree with each other.
 */
async function emitProject(env: Env, project: Row, emit: Emit): Promise<void> {
  const id = project.id as string;
  const people = `SELECT user_id FROM member WHERE organization_id = ?1
    UNION SELECT owner_id FROM projects WHERE id = ?1
    UNION SELECT transfer_to FROM projects WHERE id = ?1
    UNION SELECT inviter_id FROM invitation WHERE organization_id = ?1 AND status = 'pending' AND expires_at > ?2`;
  const now = Date.now();
  const [org, members, invitations, users, accounts, twoFactors, channels] = await env.DB.batch<Row>([
    env.DB.prepare("SELECT * FROM organization WHERE id = ?").bind(id),
    env.DB.prepare("SELECT * FROM member WHERE organization_id = ? ORDER BY created_at, id").bind(id),
    env.DB.prepare("SELECT * FROM invitation WHERE organization_id = ?1 AND status = 'pending' AND expires_at > ?2 ORDER BY created_at, id").bind(id, now),
    env.DB.prepare(`SELECT * FROM user WHERE id IN (${people}) ORDER BY id`).bind(id, now),
    env.DB.prepare(`SELECT * FROM account WHERE user_id IN (${people}) ORDER BY user_id, id`).bind(id, now),
    env.DB.prepare(`SELECT * FROM two_factor WHERE user_id IN (${people}) ORDER BY user_id, id`).bind(id, now),
    env.DB.prepare("SELECT * FROM channels WHERE project_id = ? ORDER BY id").bind(id),
  ]);
  for (const user of users!.results) {
    await emit({
      type: "user",
      row: user,
      accounts: accounts!.results.filter((a) => a.user_id === user.id),
      // The plugin keeps one row per account.
      two_factor: twoFactors!.results.find((t) => t.user_id === user.id) ?? null,
    });
  }
  const organization = org!.results[0] ?? null;
  await emit({
    type: "project",
    row: live(project),
    organization,
    members: organization === null ? [] : members!.results,
    invitations: organization === null ? [] : invitations!.results,
  });
  for (const row of channels!.results) await emit({ type: "channel", row });
}

async function assignments(env: Env, checkIds: string[]): Promise<Map<string, string[]>> {
  const byCheck = new Map<string, string[]>();
  if (checkIds.length === 0) return byCheck;
  const { results } = await env.DB.prepare(
    "SELECT check_id, channel_id FROM check_channels WHERE check_id IN (SELECT value FROM json_each(?)) ORDER BY channel_id",
  )
    .bind(JSON.stringify(checkIds))
    .all<{ check_id: string; channel_id: string }>();
  for (const r of results) byCheck.set(r.check_id, [...(byCheck.get(r.check_id) ?? []), r.channel_id]);
  return byCheck;
}

// ---- import ------------------------------------------------------------------------------------

export interface ImportCounts {
  /** Accounts written (an account repeated before each of its projects counts once). */
  users: number;
  projects: number;
  channels: number;
  checks: number;
}

export type ImportResult =
  | { ok: true; imported: ImportCounts }
  | { ok: false; status: 400 | 409 | 413; line: number; error: string; imported: ImportCounts };

class RecordError extends Error {
  constructor(
    readonly status: 400 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Imports one chunk of a backup file, record by record. Each record is written whole or not at all;
 * the first bad one stops the chunk with its line number (the records before it stay written). A
 * chunk that starts with the header is the start of a restore: the deployment must be empty.
 */
export async function importBackup(env: Env, body: ReadableStream<Uint8Array> | null, limits: ImportLimits = IMPORT_LIMITS): Promise<ImportResult> {
  const imported: ImportCounts = { users: 0, projects: 0, channels: 0, checks: 0 };
  let line = 0;
  let records = 0;
  try {
    if (body === null) return { ok: true, imported };
    for await (const text of readLines(body, limits, () => line++)) {
      if (text.trim() === "") continue;
      if (++records > limits.maxRecords) throw new RecordError(413, `more than ${limits.maxRecords} records in one request: send smaller chunks`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RecordError(400, "not JSON");
      }
      const parsed = parseBackupRecord(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RecordError(400, `${issue?.path.join(".") || "record"}: ${issue?.message ?? "invalid"}`);
      }
      await applyRecord(env, parsed.data, records === 1, imported);
    }
    return { ok: true, imported };
  } catch (err) {
    if (!(err instanceof RecordError)) throw err;
    return { ok: false, status: err.status, line, error: `line ${line}: ${err.message}`, imported };
  }
}

/**
 * The body's lines, decoded as UTF-8, with the byte limits enforced as the bytes arrive (never a
 * whole body or an over-long line in memory). `next` is called as each line starts.
 */
async function* readLines(body: ReadableStream<Uint8Array>, limits: ImportLimits, next: () => void): AsyncGenerator<string> {
  const reader = body.getReader();
  let parts: Uint8Array[] = [];
  let lineBytes = 0;
  let total = 0;
  let started = false;
  const add = (bytes: Uint8Array) => {
    if (!started) {
      next();
      started = true;
    }
    lineBytes += bytes.byteLength;
    if (lineBytes > limits.maxLine) throw new RecordError(413, `the line is longer than ${limits.maxLine} bytes`);
    parts.push(bytes);
  };
  const take = (): string => {
    const joined = new Uint8Array(lineBytes);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    parts = [];
    lineBytes = 0;
    started = false;
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(joined);
    } catch {
      throw new RecordError(400, "not UTF-8");
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBody) {
        if (!started) next();
        throw new RecordError(413, `the request body is over ${limits.maxBody} bytes: send smaller chunks`);
      }
      let from = 0;
      for (let nl = value.indexOf(10); nl !== -1; nl = value.indexOf(10, from)) {
        add(value.subarray(from, nl));
        from = nl + 1;
        yield take();
      }
      if (from < value.byteLength) add(value.subarray(from));
    }
    if (started) yield take();
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function applyRecord(env: Env, record: BackupRecord, first: boolean, imported: ImportCounts): Promise<void> {
  switch (record.type) {
    case "header": {
      if (!first) throw new RecordError(400, "a header may only be the first record of a request");
      if (record.check_schema_version > CHECK_DO_SCHEMA_VERSION) {
        throw new RecordError(400, `the backup holds check schema version ${record.check_schema_version}, newer than this deployment's ${CHECK_DO_SCHEMA_VERSION}: upgrade it first`);
      }
      // Accounts count: the backup's accounts would clash with them by email part-way through the
      // restore, and a deployment where someone has signed up is in use (docs/operations.md#backups).
      const used = await env.DB.prepare(
        "SELECT (SELECT count(*) FROM projects) + (SELECT count(*) FROM checks) + (SELECT count(*) FROM channels) + (SELECT count(*) FROM user) AS n",
      ).first<{ n: number }>();
      if ((used?.n ?? 0) > 0) {
        throw new RecordError(409, "the deployment is not empty (it has projects, checks, channels or accounts): restore only into an empty deployment");
      }
      return;
    }
    case "user":
      imported.users += await importUser(env, record);
      return;
    case "legacy_user":
      imported.users += await importLegacyUser(env, record.row);
      return;
    case "project":
      await importProject(env, record);
      imported.projects++;
      return;
    case "channel":
      await requireProject(env, record.row.project_id);
      await insert(env, "channels", record.row, `channel ${record.row.id}`);
      imported.channels++;
      return;
    case "check":
      await importCheck(env, record);
      imported.checks++;
  }
}

/**
 * An account with its sign-in methods and second factor, in one D1 batch. The same account precedes
 * each project it is in: a repeat writes nothing and is not an error. Returns 1 when it was new.
 */
async function importUser(env: Env, record: Extract<BackupRecord, { type: "user" }>): Promise<number> {
  const repeat = "ON CONFLICT (id) DO NOTHING";
  const [user] = await runOrConflict(
    () =>
      env.DB.batch([
        insertStatement(env, "user", record.row, repeat),
        ...record.accounts.map((row) => insertStatement(env, "account", row, repeat)),
        ...(record.two_factor === null ? [] : [insertStatement(env, "two_factor", record.two_factor, repeat)]),
      ]),
    `user ${record.row.id} (${record.row.email})`,
  );
  return user!.meta.changes > 0 ? 1 : 0;
}

/**
 * A version 1 owner (a row of the old `users` table) becomes an account without a password: its owner
 * signs in by a magic link or the operator's `create-user` link. Emails are stored lowercased, as
 * better-auth looks them up.
 */
async function importLegacyUser(env: Env, row: Extract<BackupRecord, { type: "legacy_user" }>["row"]): Promise<number> {
  const email = row.email.toLowerCase();
  const account = { id: row.id, name: email.split("@")[0] ?? email, email, email_verified: 0, created_at: row.created, updated_at: row.created };
  const [result] = await runOrConflict(
    () => env.DB.batch([insertStatement(env, "user", account, "ON CONFLICT (id) DO NOTHING")]),
    `user ${row.id} (${email})`,
  );
  return result!.meta.changes > 0 ? 1 : 0;
}

/**
 * The project row with its organization, members and pending invitations in one D1 batch, as
 * src/projects/membership.ts writes them: none exists without the others. Every member and inviter
 * must be an account already imported.
 */
async function importProject(env: Env, record: Extract<BackupRecord, { type: "project" }>): Promise<void> {
  const { row, organization } = record;
  if (organization === undefined) return importLegacyProject(env, row);
  const members = record.members ?? [];
  const invitations = record.invitations ?? [];
  const refs: [string, string][] = [
    ...members.map((m, i): [string, string] => [`members.${i}.user_id`, m.user_id]),
    ...invitations.map((inv, i): [string, string] => [`invitations.${i}.inviter_id`, inv.inviter_id]),
  ];
  const present = await existingUsers(env, refs.map(([, userId]) => userId));
  const missing = refs.find(([, userId]) => !present.has(userId));
  if (missing !== undefined) throw new RecordError(400, `${missing[0]}: user ${missing[1]} is not in this deployment (its record must come first)`);
  await runOrConflict(
    () =>
      env.DB.batch([
        insertStatement(env, "projects", row),
        ...(organization === null ? [] : [insertStatement(env, "organization", organization)]),
        ...members.map((m) => insertStatement(env, "member", m)),
        ...invitations.map((inv) => insertStatement(env, "invitation", inv)),
      ]),
    `project ${row.id}`,
  );
}

/**
 * A version 1 project names its owner only by owner_id. If that account is here (a version 1 `user`
 * record came before it), the project gets its organization and the owner's member row, as
 * createOwnedProject makes them; if not, it is restored without an owner (the admin API's `owner`
 * gives it one). A pending transfer cannot survive: its target was a member the file does not name.
 */
async function importLegacyProject(env: Env, project: Extract<BackupRecord, { type: "project" }>["row"]): Promise<void> {
  const ownerId = project.owner_id !== null && (await existingUsers(env, [project.owner_id])).size > 0 ? project.owner_id : null;
  const row = { ...project, owner_id: ownerId, transfer_to: null, transfer_requested_at: null };
  const statements = [insertStatement(env, "projects", row)];
  if (ownerId !== null) {
    statements.push(
      insertStatement(env, "organization", { id: row.id, name: row.name, slug: row.id, created_at: row.created }),
      insertStatement(env, "member", { id: crypto.randomUUID(), organization_id: row.id, user_id: ownerId, role: "owner", created_at: row.created }),
    );
  }
  await runOrConflict(() => env.DB.batch(statements), `project ${row.id}`);
}

async function existingUsers(env: Env, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { results } = await env.DB.prepare("SELECT id FROM user WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

async function requireProject(env: Env, projectId: string): Promise<void> {
  const row = await env.DB.prepare("SELECT 1 AS ok FROM projects WHERE id = ? AND deleted_at IS NULL").bind(projectId).first();
  if (row === null) throw new RecordError(400, `project ${projectId} is not in this deployment (its record must come first)`);
}

/** One D1 row; column names come from the record schema, never from the input. */
function insertStatement(env: Env, table: string, row: Record<string, unknown>, conflict = ""): D1PreparedStatement {
  const cols = Object.keys(row);
  return env.DB.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ${conflict}`).bind(
    ...cols.map((c) => row[c]),
  );
}

async function insert(env: Env, table: string, row: Record<string, unknown>, what: string, conflict = ""): Promise<void> {
  await runOrConflict(() => insertStatement(env, table, row, conflict).run(), what);
}

/**
 * A unique-constraint failure is the record clashing with what is there: 409; a foreign-key failure
 * is a reference to a row that went away since it was checked: 400. Nothing written either way.
 */
async function runOrConflict<T>(write: () => Promise<T>, what: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Error && /UNIQUE constraint failed/.test(err.message)) throw new RecordError(409, `${what} clashes with one already in this deployment`);
    if (err instanceof Error && /FOREIGN KEY constraint failed/.test(err.message)) throw new RecordError(400, `${what} refers to a row that is not in this deployment`);
    throw err;
  }
}

/**
 * The catalog row and assignments in one D1 batch, then the object's state; if the object refuses
 * it, the rows are taken out again, so the record is written whole or not at all.
 */
async function importCheck(env: Env, record: Extract<BackupRecord, { type: "check" }>): Promise<void> {
  const { row, channels } = record;
  let dump: z.infer<typeof checkDumpSchema> | null = null;
  if (record.object !== null) {
    const parsed = checkDumpSchema.safeParse(record.object);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RecordError(400, `object.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    dump = parsed.data;
    const cfg = dumpConfig(dump);
    if (typeof cfg === "string") throw new RecordError(400, `object.${cfg}`);
    if (cfg.id !== row.id || cfg.project_id !== row.project_id) throw new RecordError(400, "the object's configuration is of another check");
  }
  await requireProject(env, row.project_id);
  if (channels.length > 0) {
    const found = await env.DB.prepare("SELECT count(*) AS n FROM channels WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))")
      .bind(row.project_id, JSON.stringify(channels))
      .first<{ n: number }>();
    if (found?.n !== new Set(channels).size) throw new RecordError(400, "channels: a channel is not one of the project's (its record must come first)");
  }
  await runOrConflict(
    () =>
      env.DB.batch([
        insertStatement(env, "checks", row),
        ...channels.map((channel_id) => insertStatement(env, "check_channels", { check_id: row.id, channel_id })),
      ]),
    `check ${row.id}`,
  );
  if (dump === null) return;
  let result: { ok: boolean; error?: string };
  try {
    result = await checkStub(env, row.id).importState(dump);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (result.ok) return;
  await env.DB.batch([
    env.DB.prepare("DELETE FROM check_channels WHERE check_id = ?").bind(row.id),
    env.DB.prepare("DELETE FROM checks WHERE id = ?").bind(row.id),
  ]);
  const clash = result.error?.includes("already has a check") === true;
  throw new RecordError(clash ? 409 : 400, `object: ${result.error ?? "refused"}`);
}
