// The every-minute housekeeping run: re-pokes checks whose deadline passed without a flip
// (an alarm lost to a restart or a failed mirror), finishes interrupted removals, prunes old rows.
import { finishProjectDeletion } from "../admin/projects";
import { checkStub, removeCheck } from "./catalog";

const GRACE_MS = 60_000;
const BATCH = 100;
const MAX_BATCHES = 10;
const RETENTION_MS = 93 * 86_400_000;

export interface SweepReport {
  poked: number;
  removed: number;
  pruned: number;
}

export async function sweep(env: Env, now: number): Promise<SweepReport> {
  const report: SweepReport = { poked: 0, removed: 0, pruned: 0 };
  // Served by the (status, alert_after) index; each batch moves on since poked checks re-mirror.
  const seen = new Set<string>();
  for (let i = 0; i < MAX_BATCHES; i++) {
    const { results } = await env.DB.prepare(
      `SELECT id FROM checks WHERE status IN ('new', 'up', 'paused') AND alert_after < ? AND deleted_at IS NULL
       ORDER BY alert_after LIMIT ?`,
    )
      .bind(now - GRACE_MS, BATCH)
      .all<{ id: string }>();
    const fresh = results.filter((r) => !seen.has(r.id));
    if (fresh.length === 0) break;
    await Promise.all(
      fresh.map(async (r) => {
        seen.add(r.id);
        try {
          await checkStub(env, r.id).poke();
          report.poked++;
        } catch (err) {
          console.error(`sweeper could not poke ${r.id}`, err);
        }
      }),
    );
    if (results.length < BATCH) break;
  }

  const tombs = await env.DB.prepare("SELECT id FROM checks WHERE deleted_at < ? LIMIT ?")
    .bind(now - GRACE_MS, BATCH)
    .all<{ id: string }>();
  for (const t of tombs.results) if (await removeCheck(env, t.id).catch(() => false)) report.removed++;
  const deadProjects = await env.DB.prepare("SELECT id FROM projects WHERE deleted_at IS NOT NULL LIMIT 10").all<{ id: string }>();
  for (const p of deadProjects.results) await finishProjectDeletion(env, p.id, BATCH);

  const pruned = await env.DB.batch([
    env.DB.prepare("DELETE FROM sessions WHERE expires_at < ?").bind(now),
    env.DB.prepare("DELETE FROM notifications WHERE created < ?").bind(now - RETENTION_MS),
    env.DB.prepare("DELETE FROM alert_flips WHERE created < ?").bind(now - RETENTION_MS),
  ]);
  report.pruned = pruned.reduce((n, r) => n + r.meta.changes, 0);
  return report;
}
