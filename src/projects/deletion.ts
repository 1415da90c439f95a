// Deleting a project: tombstoned at once (keys and pings stop working), its checks' objects removed
// in slices, then its channels and row. The admin API starts it; the sweeper finishes large ones.
import { and, eq, inArray, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { removeCheck } from "../checks/client";
import { channels, checkChannels, checks, projects } from "../db/schema";

/** Checks removed inline per request; the sweeper finishes larger projects. */
const INLINE_REMOVALS = 50;

/**
 * Deletes a project: tombstones it and its checks at once (keys and pings stop working), removes
 * the checks' objects, then the channels and the project row. Returns false if it does not exist.
 */
export async function deleteProject(env: Env, projectId: string): Promise<boolean> {
  const db = drizzle(env.DB);
  const now = Date.now();
  const [tomb] = await db.batch([
    db.update(projects).set({ deleted_at: now }).where(and(eq(projects.id, projectId), isNull(projects.deleted_at))),
    db.update(checks).set({ deleted_at: now }).where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at))),
  ]);
  if (tomb.meta.changes === 0) return false;
  await finishProjectDeletion(env, projectId, INLINE_REMOVALS);
  return true;
}

/** Removes up to `budget` of a deleted project's checks; deletes the project once none is left. */
export async function finishProjectDeletion(env: Env, projectId: string, budget: number): Promise<void> {
  const db = drizzle(env.DB);
  const remaining = await db.select({ id: checks.id }).from(checks).where(eq(checks.project_id, projectId)).limit(budget + 1).all();
  await Promise.all(remaining.slice(0, budget).map((c) => removeCheck(env, c.id)));
  if (remaining.length > budget) return;
  const left = await db.select({ id: checks.id }).from(checks).where(eq(checks.project_id, projectId)).limit(1).all();
  if (left.length > 0) return;
  const chans = db.select({ id: channels.id }).from(channels).where(eq(channels.project_id, projectId));
  await db.batch([
    db.delete(checkChannels).where(inArray(checkChannels.channel_id, chans)),
    db.delete(channels).where(eq(channels.project_id, projectId)),
    db.delete(projects).where(eq(projects.id, projectId)),
  ]);
}
