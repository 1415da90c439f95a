// The D1 side of checks: the catalog (who exists, in which project, under which slug) and the
// status summaries each CheckDO mirrors into it.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { checks, checkChannels, projects } from "../db/schema";
import { sha1Hex } from "../crypto";
import { CHECK_DEFAULTS, type CheckConfigInput, type CheckSnapshot, type CheckView, type PingInput, type PingResult, type StoredStatus } from "./model";

export type CheckRow = typeof checks.$inferSelect;

/** The check fields a user sets (Healthchecks' check settings). */
export type CheckFields = Pick<
  CheckRow,
  | "name"
  | "slug"
  | "tags"
  | "desc"
  | "kind"
  | "timeout"
  | "grace"
  | "schedule"
  | "tz"
  | "filter_subject"
  | "filter_body"
  | "filter_http_body"
  | "filter_default_fail"
  | "start_kw"
  | "success_kw"
  | "failure_kw"
  | "methods"
  | "manual_resume"
>;

/** Fields a caller may set when creating a check; everything else takes Healthchecks' defaults. */
export type NewCheckFields = Partial<CheckFields>;

export const checkStub = (env: Env, id: string) => env.CHECKS.get(env.CHECKS.idFromName(id));

/** Healthchecks' unique_key: sha1 of the first 16 hex digits of the uuid. */
export const uniqueKeyFor = (id: string): Promise<string> => sha1Hex(id.replaceAll("-", "").slice(0, 16));

/** The DO's configuration, built from a catalog row. */
export function rowToConfig(row: CheckRow, channels: string[], pingLogLimit: number, origin: string): CheckConfigInput {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    slug: row.slug,
    tags: row.tags,
    desc: row.desc,
    kind: row.kind,
    timeout: row.timeout,
    grace: row.grace,
    schedule: row.schedule,
    tz: row.tz,
    filter_subject: row.filter_subject,
    filter_body: row.filter_body,
    filter_http_body: row.filter_http_body,
    filter_default_fail: row.filter_default_fail,
    start_kw: row.start_kw,
    success_kw: row.success_kw,
    failure_kw: row.failure_kw,
    methods: row.methods === "POST" ? "POST" : "",
    manual_resume: row.manual_resume,
    channels: [...channels].sort().join(","),
    unique_key: row.unique_key,
    badge_key: row.badge_key,
    ping_log_limit: pingLogLimit,
    created: row.created,
    version: row.version,
    origin,
  };
}

/** A complete catalog row for a new check with Healthchecks' defaults. */
export async function newRow(projectId: string, fields: NewCheckFields): Promise<CheckRow> {
  const id = crypto.randomUUID();
  return {
    id,
    project_id: projectId,
    ...CHECK_DEFAULTS,
    ...fields,
    unique_key: await uniqueKeyFor(id),
    badge_key: crypto.randomUUID(),
    created: Date.now(),
    version: 1,
    deleted_at: null,
    status: "new",
    last_ping: null,
    last_start: null,
    last_duration: null,
    n_pings: 0,
    grace_start: null,
    alert_after: null,
    summary_version: 0,
    applied_version: 0,
    next_alarm: null,
  };
}

async function projectPingLogLimit(env: Env, projectId: string): Promise<number> {
  const p = await drizzle(env.DB)
    .select({ limit: projects.ping_log_limit })
    .from(projects)
    .where(eq(projects.id, projectId))
    .get();
  return p?.limit ?? 100;
}

/**
 * Creates a check: the catalog row first (so the sweeper and the API can see it), then its DO.
 * The Management API builds on this; tests use it directly.
 */
export async function createCheck(
  env: Env,
  projectId: string,
  fields: NewCheckFields = {},
  origin = "",
  channelIds: string[] = [],
): Promise<CheckRow> {
  const row = await newRow(projectId, fields);
  const db = drizzle(env.DB);
  await db.batch([
    db.insert(checks).values(row),
    ...channelIds.map((channel_id) => db.insert(checkChannels).values({ check_id: row.id, channel_id })),
  ]);
  await configureFromRow(env, row, channelIds, origin);
  return row;
}

export async function configureFromRow(env: Env, row: CheckRow, channelIds: string[], origin: string): Promise<void> {
  const result = await checkStub(env, row.id).configure(
    rowToConfig(row, channelIds, await projectPingLogLimit(env, row.project_id), origin),
  );
  if (!result.ok) throw new Error(`configure failed: ${result.error}`);
}

/** Hands a check's catalog row and its channels (re-read unless given) to its DO. */
export async function reconfigure(env: Env, row: CheckRow, origin: string, channelIds?: string[]): Promise<void> {
  await configureFromRow(env, row, channelIds ?? (await channelIdsOf(env, row.id)), origin);
}

/**
 * The exact view of a check from its DO. An object that never got its configuration (a create whose
 * configure was lost) is configured from the catalog row first, so such a check is readable and deletable.
 */
export async function checkView(env: Env, row: CheckRow, origin: string): Promise<CheckView | null> {
  const stub = checkStub(env, row.id);
  const v = await stub.state();
  if (v !== null) return v as CheckView;
  await reconfigure(env, row, origin);
  return (await stub.state()) as CheckView | null;
}

/** Ids of the checks with this slug in the project that owns this ping key (at most 2: enough to spot ambiguity). */
export async function findBySlug(env: Env, pingKeyHash: string, slug: string): Promise<string[]> {
  const rows = await drizzle(env.DB)
    .select({ id: checks.id })
    .from(checks)
    .innerJoin(projects, eq(projects.id, checks.project_id))
    .where(
      and(eq(projects.ping_key_hash, pingKeyHash), isNull(projects.deleted_at), eq(checks.slug, slug), isNull(checks.deleted_at)),
    )
    .limit(2)
    .all();
  return rows.map((r) => r.id);
}

/**
 * Pings a check's DO. An object never configured (a check created by a slug ping, or one whose
 * configure after an API create was lost) is configured from its catalog row on this first contact
 * and pinged again; the catalog is read only then, so an ordinary ping costs the DO call alone.
 */
export async function pingCheck(env: Env, id: string, input: PingInput, origin: string): Promise<Exclude<PingResult, "unconfigured">> {
  const stub = checkStub(env, id);
  const result = await stub.ping(input);
  if (result !== "unconfigured") return result;
  const row = await drizzle(env.DB).select().from(checks).where(and(eq(checks.id, id), isNull(checks.deleted_at))).get();
  if (row === undefined) return "not_found";
  await configureFromRow(env, row, await channelIdsOf(env, id), origin);
  const again = await stub.ping(input);
  return again === "unconfigured" ? "not_found" : again;
}

/**
 * Creates the check `slug` in the ping key's project unless one exists or the project already has
 * 2 × CHECK_LIMIT checks, in one conditional statement (concurrent requests create one check),
 * and assigns it every channel of the project. Returns whether this call created it.
 */
export async function autoCreateBySlug(
  env: Env,
  pingKeyHash: string,
  slug: string,
  checkLimit: number,
): Promise<boolean> {
  const project = await drizzle(env.DB)
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.ping_key_hash, pingKeyHash), isNull(projects.deleted_at)))
    .get();
  if (project === undefined) return false;
  const row = await newRow(project.id, { name: slug, slug });
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO checks (id, project_id, name, slug, unique_key, badge_key, created)
       SELECT ?1, ?2, ?3, ?3, ?4, ?5, ?6
       WHERE NOT EXISTS (SELECT 1 FROM checks WHERE project_id = ?2 AND slug = ?3 AND deleted_at IS NULL)
         AND (SELECT count(*) FROM checks WHERE project_id = ?2 AND deleted_at IS NULL) < ?7`,
    ).bind(row.id, project.id, slug, row.unique_key, row.badge_key, row.created, 2 * checkLimit),
    env.DB.prepare(
      `INSERT INTO check_channels (check_id, channel_id)
       SELECT ?1, id FROM channels WHERE project_id = ?2 AND EXISTS (SELECT 1 FROM checks WHERE id = ?1)`,
    ).bind(row.id, project.id),
  ]);
  return (inserted?.meta.changes ?? 0) > 0;
}

/** Channel ids assigned to a check. */
export async function channelIdsOf(env: Env, checkId: string): Promise<string[]> {
  const rows = await drizzle(env.DB)
    .select({ id: checkChannels.channel_id })
    .from(checkChannels)
    .where(eq(checkChannels.check_id, checkId))
    .all();
  return rows.map((r) => r.id);
}

/**
 * Removes a check: tombstone the catalog row (lists and slug lookups skip it at once), let the DO
 * hand over pending alerts and delete its storage, then delete the rows. The sweeper finishes a
 * removal that was interrupted.
 */
export async function removeCheck(env: Env, id: string): Promise<boolean> {
  const db = drizzle(env.DB);
  await db.update(checks).set({ deleted_at: Date.now() }).where(and(eq(checks.id, id), isNull(checks.deleted_at)));
  if (!(await checkStub(env, id).remove())) return false;
  await db.batch([db.delete(checkChannels).where(eq(checkChannels.check_id, id)), db.delete(checks).where(eq(checks.id, id))]);
  return true;
}

export interface Summary {
  id: string;
  status: StoredStatus;
  last_ping: number | null;
  last_start: number | null;
  last_duration: number | null;
  n_pings: number;
  grace_start: number | null;
  alert_after: number | null;
  summary_version: number;
  /** The catalog version the object applied. */
  applied_version: number;
  /** The object's earliest scheduled item other than a summary write. */
  next_alarm: number | null;
}

/** An alert's snapshot for D1 `alert_flips` (the outbox row's JSON), read by the queue consumer. */
export interface PendingAlert {
  flip_id: string;
  snapshot: string;
}

/**
 * Stores alert snapshots; a snapshot already there is kept (the outbox may hand one over twice). If
 * nothing settles one within `watchMs`, the sweeper hands it to the queue again: the queue may have
 * lost the message (local queues keep messages in memory) or the consumer died.
 */
export function storeAlertStatements(db: D1Database, alerts: PendingAlert[], now: number, watchMs: number): D1PreparedStatement[] {
  return alerts.map(({ flip_id, snapshot }) => {
    const snap = JSON.parse(snapshot) as CheckSnapshot;
    return db
      .prepare(
        `INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, seq, watch_until)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .bind(
        flip_id,
        snap.check_id,
        snap.project_id,
        snap.flip_time,
        snap.old_status,
        snap.new_status,
        snap.reason,
        snapshot,
        now,
        snap.seq ?? 0,
        now + watchMs,
      );
  });
}

/**
 * Writes a DO's summary unless a newer one is already there, together with the snapshots of alerts
 * waiting in its outbox: one D1 round trip, so a flip's alert is ready for the queue as soon as its
 * summary is. "orphan" means the catalog row is gone or being removed.
 */
export async function mirrorSummary(db: D1Database, s: Summary, alerts: PendingAlert[], watchMs: number): Promise<"ok" | "stale" | "orphan"> {
  const [update, ...rest] = await db.batch([
    db
      .prepare(
        `UPDATE checks SET status = ?1, last_ping = ?2, last_start = ?3, last_duration = ?4, n_pings = ?5,
           grace_start = ?6, alert_after = ?7, summary_version = ?8, applied_version = ?10, next_alarm = ?11
         WHERE id = ?9 AND summary_version < ?8 AND deleted_at IS NULL`,
      )
      .bind(
        s.status,
        s.last_ping,
        s.last_start,
        s.last_duration,
        s.n_pings,
        s.grace_start,
        s.alert_after,
        s.summary_version,
        s.id,
        s.applied_version,
        s.next_alarm,
      ),
    ...storeAlertStatements(db, alerts, Date.now(), watchMs),
    db.prepare("SELECT deleted_at FROM checks WHERE id = ?").bind(s.id),
  ]);
  if (update!.meta.changes > 0) return "ok";
  const row = rest.at(-1)!.results[0] as { deleted_at: number | null } | undefined;
  return row === undefined || row.deleted_at !== null ? "orphan" : "stale";
}

/** The project's reminder period in seconds (0 = off). */
export async function projectNagPeriod(db: D1Database, projectId: string): Promise<number> {
  const row = await db.prepare("SELECT nag_period FROM projects WHERE id = ?").bind(projectId).first<{ nag_period: number }>();
  return row?.nag_period ?? 0;
}
