// Backups: every live project as JSON lines — its D1 rows (owner, project with hashed keys, channels,
// checks with their channel assignments) and each check object's dump — exported a page at a time,
// and imported into an empty deployment a bounded chunk at a time (docs/operations.md#backups).
import { z } from "zod";
import { checkStub } from "../checks/client";
import { CHECK_DO_SCHEMA_VERSION } from "../checks/check-do-schema";
import { checkDumpSchema, dumpConfig } from "../checks/check-dump";
import { base64Url } from "../crypto";
import { BACKUP_FORMAT, BACKUP_VERSION, backupRecordSchema, type BackupRecord } from "./backup-records";

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

async function emitProject(env: Env, project: Row, emit: Emit): Promise<void> {
  if (project.owner_id !== null) {
    const owner = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(project.owner_id).first<Row>();
    if (owner !== null) await emit({ type: "user", row: owner });
  }
  await emit({ type: "project", row: live(project) });
  const { results } = await env.DB.prepare("SELECT * FROM channels WHERE project_id = ? ORDER BY id").bind(project.id).all<Row>();
  for (const row of results) await emit({ type: "channel", row });
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
      const parsed = backupRecordSchema.safeParse(json);
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
      const used = await env.DB.prepare(
        "SELECT (SELECT count(*) FROM projects) + (SELECT count(*) FROM checks) + (SELECT count(*) FROM channels) AS n",
      ).first<{ n: number }>();
      if ((used?.n ?? 0) > 0) throw new RecordError(409, "the deployment is not empty (it has projects, checks or channels): restore only into an empty deployment");
      return;
    }
    case "user":
      // The same owner precedes each of their projects: a repeat is not an error.
      await insert(env, "users", record.row, `user ${record.row.id}`, "ON CONFLICT (id) DO NOTHING");
      imported.users++;
      return;
    case "project":
      await insert(env, "projects", record.row, `project ${record.row.id}`);
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

async function requireProject(env: Env, projectId: string): Promise<void> {
  const row = await env.DB.prepare("SELECT 1 AS ok FROM projects WHERE id = ? AND deleted_at IS NULL").bind(projectId).first();
  if (row === null) throw new RecordError(400, `project ${projectId} is not in this deployment (its record must come first)`);
}

/** One D1 row; column names come from the record schema, never from the input. */
function insertStatement(env: Env, table: string, row: Record<string, unknown>, conflict = ""): D1PreparedStatement {
  const cols = Object.keys(row);
  return env.DB.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ${conflict}`).bind(
    ...cols.map((c) => row[c]),
  );
}

async function insert(env: Env, table: string, row: Record<string, unknown>, what: string, conflict = ""): Promise<void> {
  await runOrConflict(() => insertStatement(env, table, row, conflict).run(), what);
}

/** A unique-constraint failure is the record clashing with what is there: 409, nothing written. */
async function runOrConflict<T>(write: () => Promise<T>, what: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Error && /UNIQUE constraint failed/.test(err.message)) throw new RecordError(409, `${what} clashes with one already in this deployment`);
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
