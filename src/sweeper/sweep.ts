// The every-minute housekeeping run. Each step stands alone (one failing never stops the others):
// - pokes checks whose object's next scheduled item is over a minute overdue (a lost alarm, a failed
//   mirror, an outbox row stuck on a down check), paging past ones a poke does not fix;
// - re-applies catalog versions a check's object has not applied (a configure lost after a D1 write);
// - hands unsettled alerts to the queue again when nothing touched them in time (a lost message, a
//   consumer killed mid-batch), from the snapshots already in D1;
// - closes test notifications left "sending" past their lease (nobody retries a test);
// - finishes interrupted removals and project deletions; prunes old rows;
// - records its finish time and report in D1 `meta` (the operator endpoint and the status probe read it).
import { and, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { finishProjectDeletion } from "../projects/deletion";
import { config } from "../config";
import { checkStub, reconfigure, removeCheck } from "../checks/client";
import { checks } from "../db/schema";
import { pruneSendsStatement } from "../alerts/send-limits";

const GRACE_MS = 60_000;
const BATCH = 100;
const MAX_BATCHES = 10;
const RETENTION_MS = 93 * 86_400_000;
/** Alerts kept per check in alert_flips beyond the age rule (settled ones only). */
const ALERTS_PER_CHECK = 100;
/** Alerts handed to the queue again per run at most. */
const REQUEUE_LIMIT = 500;
/** Test claims are looked for this far back (an index range on `created`, not a scan). */
const TEST_LOOKBACK_MS = 86_400_000;

/** The `meta` key holding the last run: {"finished": ms, "report": SweepReport}. */
export const SWEEPER_META_KEY = "sweeper_last_run";

export interface SweepReport {
  poked: number;
  pokeFailed: number;
  reconfigured: number;
  requeued: number;
  /** Test notifications whose claim expired unrecorded, closed as failed. */
  testsClosed: number;
  removed: number;
  projectsDeleted: number;
  pruned: number;
  /** Steps that failed, with their error. */
  errors: string[];
}

export async function sweep(env: Env, now: number): Promise<SweepReport> {
  const report: SweepReport = { poked: 0, pokeFailed: 0, reconfigured: 0, requeued: 0, testsClosed: 0, removed: 0, projectsDeleted: 0, pruned: 0, errors: [] };
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      report.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await step("overdue", () => pokeOverdue(env, now, report));
  await step("configs", () => reapplyConfigs(env, report));
  await step("alerts", () => requeueAlerts(env, now, report));
  await step("removals", () => finishRemovals(env, now, report));
  await step("projects", () => finishProjects(env, report));
  await step("tests", () => closeStaleTests(env, now, report));
  await step("prune", () => prune(env, now, report));
  await step("record", () => recordRun(env, report));
  return report;
}

/** A test claim is one without an alert row; its lease expired, so whoever held it is gone. */
async function closeStaleTests(env: Env, now: number, report: SweepReport): Promise<void> {
  const { meta } = await env.DB.prepare(
    `UPDATE notifications SET status = 'failed', error = 'interrupted before its outcome was recorded', lease_until = NULL, updated = ?1
     WHERE created > ?2 AND status = 'sending' AND lease_until < ?1
       AND NOT EXISTS (SELECT 1 FROM alert_flips f WHERE f.id = notifications.flip_id)`,
  )
    .bind(now, now - TEST_LOOKBACK_MS)
    .run();
  report.testsClosed = meta.changes;
}

/** Finish time is the wall clock (the scheduled time is when the run was due, not when it ended). */
async function recordRun(env: Env, report: SweepReport): Promise<void> {
  const finished = Date.now();
  await env.DB.prepare("INSERT INTO meta (k, v, updated) VALUES (?1, ?2, ?3) ON CONFLICT (k) DO UPDATE SET v = excluded.v, updated = excluded.updated")
    .bind(SWEEPER_META_KEY, JSON.stringify({ finished, report }), finished)
    .run();
}

/** Pages by (next_alarm, id), so checks a poke does not fix never hide the ones after them. */
async function pokeOverdue(env: Env, now: number, report: SweepReport): Promise<void> {
  let after = { at: -Infinity, id: "" };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const { results } = await env.DB.prepare(
      `SELECT id, next_alarm FROM checks
       WHERE next_alarm < ?1 AND deleted_at IS NULL AND (next_alarm > ?2 OR (next_alarm = ?2 AND id > ?3))
       ORDER BY next_alarm, id LIMIT ?4`,
    )
      .bind(now - GRACE_MS, Number.isFinite(after.at) ? after.at : -1, after.id, BATCH)
      .all<{ id: string; next_alarm: number }>();
    await Promise.all(
      results.map(async (r) => {
        try {
          await checkStub(env, r.id).poke();
          report.poked++;
        } catch (err) {
          report.pokeFailed++;
          console.error(`sweeper could not poke ${r.id}`, err);
        }
      }),
    );
    if (results.length < BATCH) break;
    const last = results.at(-1)!;
    after = { at: last.next_alarm, id: last.id };
  }
}

async function reapplyConfigs(env: Env, report: SweepReport): Promise<void> {
  // Served by the partial index checks_unapplied.
  const rows = await drizzle(env.DB)
    .select()
    .from(checks)
    .where(and(sql`${checks.version} > ${checks.applied_version}`, isNull(checks.deleted_at)))
    .limit(BATCH)
    .all();
  await Promise.all(
    rows.map(async (row) => {
      try {
        // An empty origin keeps the one the object has.
        await reconfigure(env, row, "");
        report.reconfigured++;
      } catch (err) {
        console.error(`sweeper could not re-apply the configuration of ${row.id}`, err);
      }
    }),
  );
}

async function requeueAlerts(env: Env, now: number, report: SweepReport): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT id AS flip_id, check_id, project_id FROM alert_flips WHERE watch_until < ? ORDER BY watch_until LIMIT ?",
  )
    .bind(now, REQUEUE_LIMIT)
    .all<{ flip_id: string; check_id: string; project_id: string }>();
  for (let i = 0; i < results.length; i += 100) {
    const chunk = results.slice(i, i + 100);
    await env.ALERTS.sendBatch(chunk.map((body) => ({ body })));
    await env.DB.prepare("UPDATE alert_flips SET watch_until = ? WHERE id IN (SELECT value FROM json_each(?)) AND watch_until IS NOT NULL")
      .bind(now + config(env).alertWatchMs, JSON.stringify(chunk.map((r) => r.flip_id)))
      .run();
    report.requeued += chunk.length;
  }
}

async function finishRemovals(env: Env, now: number, report: SweepReport): Promise<void> {
  const tombs = await env.DB.prepare("SELECT id FROM checks WHERE deleted_at < ? LIMIT ?").bind(now - GRACE_MS, BATCH).all<{ id: string }>();
  for (const t of tombs.results) {
    try {
      if (await removeCheck(env, t.id)) report.removed++;
    } catch (err) {
      console.error(`sweeper could not finish removing ${t.id}`, err);
    }
  }
}

async function finishProjects(env: Env, report: SweepReport): Promise<void> {
  const dead = await env.DB.prepare("SELECT id FROM projects WHERE deleted_at IS NOT NULL LIMIT 10").all<{ id: string }>();
  for (const p of dead.results) {
    try {
      await finishProjectDeletion(env, p.id, BATCH);
      report.projectsDeleted++;
    } catch (err) {
      console.error(`sweeper could not finish deleting project ${p.id}`, err);
    }
  }
}

async function prune(env: Env, now: number, report: SweepReport): Promise<void> {
  const pruned = await env.DB.batch([
    pruneSendsStatement(env.DB, now),
    // better-auth deletes an expired session only when it is presented; the rest go here.
    env.DB.prepare("DELETE FROM session WHERE expires_at < ?").bind(now),
    env.DB.prepare("DELETE FROM notifications WHERE created < ?").bind(now - RETENTION_MS),
    env.DB.prepare("DELETE FROM alert_flips WHERE created < ? AND watch_until IS NULL").bind(now - RETENTION_MS),
    // A flapping or very busy check keeps only its latest settled alerts.
    env.DB.prepare(
      `DELETE FROM alert_flips WHERE watch_until IS NULL AND id IN (
         SELECT id FROM (
           SELECT id, row_number() OVER (PARTITION BY check_id ORDER BY seq DESC, created DESC) AS rn FROM alert_flips
           WHERE check_id IN (SELECT check_id FROM alert_flips GROUP BY check_id HAVING count(*) > ?1 LIMIT 50)
         ) WHERE rn > ?1)`,
    ).bind(ALERTS_PER_CHECK),
  ]);
  report.pruned = pruned.reduce((n, r) => n + r.meta.changes, 0);
}
