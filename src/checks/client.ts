// The Worker's side of check objects: creating, configuring, pinging, reading and removing checks,
// each through its Durable Object with the catalog (repository.ts) kept in step.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { checkChannels, checks } from "../db/schema";
import type { CheckView, PingInput, PingResult } from "./model";
import { channelIdsOf, newRow, projectPingLogLimit, rowToConfig, type CheckRow, type NewCheckFields } from "./repository";

export const checkStub = (env: Env, id: string) => env.CHECKS.get(env.CHECKS.idFromName(id));


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
 * Calls a check's object, which answers null when it has no configuration yet (a create whose
 * configure was lost): then it is configured from the catalog row first and called again, so such a
 * check is readable, pausable and deletable like any other.
 */
export async function withConfigured<T>(
  env: Env,
  row: CheckRow,
  origin: string,
  call: (stub: ReturnType<typeof checkStub>) => Promise<T | null>,
): Promise<T | null> {
  const stub = checkStub(env, row.id);
  const first = await call(stub);
  if (first !== null) return first;
  await reconfigure(env, row, origin);
  return call(stub);
}

/** The exact view of a check from its object. */
export const checkView = (env: Env, row: CheckRow, origin: string): Promise<CheckView | null> =>
  withConfigured(env, row, origin, async (stub) => (await stub.state()) as CheckView | null);

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


/** Pauses a check (its object records the flip); null when it does not exist. */
export const pauseCheck = (env: Env, row: CheckRow, origin: string): Promise<CheckView | null> =>
  withConfigured(env, row, origin, async (stub) => (await stub.pause()) as CheckView | null);

/** Resumes a paused check; "not_paused" when there is nothing to resume, null when it does not exist. */
export const resumeCheck = (env: Env, row: CheckRow, origin: string): Promise<CheckView | "not_paused" | null> =>
  withConfigured(env, row, origin, async (stub) => (await stub.resume()) as CheckView | "not_paused" | null);

/**
 * Healthchecks' "Clear Events": the object forgets its pings and flips and is new again, then the
 * check's settled delivery records and alert snapshots go from D1. Alerts still being delivered
 * (watched snapshots, their records) are left to finish, so a half-sent alert is neither lost nor repeated.
 */
export async function clearCheckEvents(env: Env, row: CheckRow, origin: string): Promise<CheckView | null> {
  const view = await withConfigured(env, row, origin, async (stub) => (await stub.clearEvents()) as CheckView | null);
  if (view === null) return null;
  await env.DB.batch([
    env.DB.prepare(
      `DELETE FROM notifications WHERE check_id = ?1 AND project_id = ?2
         AND flip_id NOT IN (SELECT id FROM alert_flips WHERE check_id = ?1 AND watch_until IS NOT NULL)`,
    ).bind(row.id, row.project_id),
    env.DB.prepare("DELETE FROM alert_flips WHERE check_id = ? AND project_id = ? AND watch_until IS NULL").bind(row.id, row.project_id),
  ]);
  return view;
}
