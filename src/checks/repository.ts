// The D1 side of checks: the catalog (who exists, in which project, under which slug, with which
// configuration and channels). Plain reads and writes; no Durable Object is called from here.
import { and, asc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { checkChannels, checks, projects } from "../db/schema";
import { CHECK_DEFAULTS, uniqueKeyFor, type CheckConfigInput } from "./model";

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
    recent_downs: null,
  };
}

export async function projectPingLogLimit(env: Env, projectId: string): Promise<number> {
  const p = await drizzle(env.DB)
    .select({ limit: projects.ping_log_limit })
    .from(projects)
    .where(eq(projects.id, projectId))
    .get();
  return p?.limit ?? 100;
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


/** A live check of the project by id, or undefined (unknown, deleted, or another project's: alike). */
export async function projectCheck(env: Env, projectId: string, id: string): Promise<CheckRow | undefined> {
  return drizzle(env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.id, id), eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .get();
}

/** The project's live checks in creation order, as lists show them (one query, no object is called). */
export async function projectChecks(env: Env, projectId: string): Promise<CheckRow[]> {
  return drizzle(env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .orderBy(asc(checks.created), asc(checks.id))
    .all();
}

/** Channel ids assigned to each check of the project, check id → ids (one query). */
export async function channelIdsByCheck(env: Env, projectId: string): Promise<Map<string, string[]>> {
  const { results } = await env.DB.prepare(
    "SELECT cc.check_id, cc.channel_id FROM check_channels cc JOIN checks c ON c.id = cc.check_id WHERE c.project_id = ?",
  )
    .bind(projectId)
    .all<{ check_id: string; channel_id: string }>();
  const map = new Map<string, string[]>();
  for (const r of results) map.set(r.check_id, [...(map.get(r.check_id) ?? []), r.channel_id]);
  return map;
}
