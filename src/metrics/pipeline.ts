// The operator's view of the whole instance (Healthchecks' internal `metrics/` endpoint, plus the
// alert pipeline's own figures) and the degradations `status/?full=1` names. Read from D1 in one
// round trip; never from the checks' objects.
import { SWEEPER_META_KEY, type SweepReport } from "../sweeper/sweep";

/** The sweeper's next-alarm slack: a check this overdue is one the sweeper would poke. */
const OVERDUE_MS = 60_000;
const DAY_MS = 86_400_000;
/** `status/?full=1` thresholds. */
export const UNSETTLED_ALERT_LIMIT_MS = 5 * 60_000;
export const SWEEPER_SILENCE_LIMIT_MS = 3 * 60_000;

export interface PipelineFigures {
  /** Unix seconds, as Healthchecks. */
  ts: number;
  /** Healthchecks' field: alerts not yet settled on every channel (alert_flips still watched). */
  num_unprocessed_flips: number;
  checks: number;
  projects: number;
  channels: number;
  /** Sum of the checks' ping counters in the D1 summaries (may lag a second behind the objects). */
  pings: number;
  /** Seconds since the oldest unsettled alert was created; null when none is unsettled. */
  oldest_unsettled_alert_age: number | null;
  /** Deliveries given up after the last retry, in the last 24 hours. */
  alerts_given_up_24h: number;
  /** The sweeper's last finished run (ISO 8601), seconds since then, and its report; null if it never ran. */
  sweeper_last_run: string | null;
  sweeper_last_run_age: number | null;
  sweeper_last_report: SweepReport | null;
  /**
   * Summary lag: checks whose next scheduled item (`next_alarm` in the D1 summary) is over a minute
   * overdue — what the sweeper would poke — and seconds since the oldest of them was due.
   */
  overdue_alarms: number;
  oldest_overdue_alarm_age: number | null;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.max(0, Math.floor(ms / 1000)));

export async function pipelineFigures(db: D1Database, now = Date.now()): Promise<PipelineFigures> {
  const rows = await db.batch([
    db.prepare("SELECT count(*) AS n, coalesce(sum(n_pings), 0) AS pings FROM checks WHERE deleted_at IS NULL"),
    db.prepare("SELECT count(*) AS n FROM projects WHERE deleted_at IS NULL"),
    db.prepare("SELECT count(*) AS n FROM channels"),
    db.prepare("SELECT count(*) AS n, min(created) AS oldest FROM alert_flips WHERE watch_until IS NOT NULL"),
    db.prepare("SELECT count(*) AS n FROM notifications WHERE created > ? AND status = 'failed' AND error LIKE 'gave up%'").bind(now - DAY_MS),
    db.prepare("SELECT v FROM meta WHERE k = ?").bind(SWEEPER_META_KEY),
    db.prepare("SELECT count(*) AS n, min(next_alarm) AS oldest FROM checks WHERE next_alarm < ? AND deleted_at IS NULL").bind(now - OVERDUE_MS),
  ]);
  const first = <T>(i: number) => rows[i]!.results[0] as T;
  const checks = first<{ n: number; pings: number }>(0);
  const unsettled = first<{ n: number; oldest: number | null }>(3);
  const sweeper = first<{ v: string } | undefined>(5);
  const last = sweeper === undefined ? null : (JSON.parse(sweeper.v) as { finished: number; report: SweepReport });
  const overdue = first<{ n: number; oldest: number | null }>(6);
  return {
    ts: Math.floor(now / 1000),
    num_unprocessed_flips: unsettled.n,
    checks: checks.n,
    projects: first<{ n: number }>(1).n,
    channels: first<{ n: number }>(2).n,
    pings: checks.pings,
    oldest_unsettled_alert_age: seconds(unsettled.oldest === null ? null : now - unsettled.oldest),
    alerts_given_up_24h: first<{ n: number }>(4).n,
    sweeper_last_run: last === null ? null : new Date(last.finished).toISOString(),
    sweeper_last_run_age: seconds(last === null ? null : now - last.finished),
    sweeper_last_report: last?.report ?? null,
    overdue_alarms: overdue.n,
    oldest_overdue_alarm_age: seconds(overdue.oldest === null ? null : now - overdue.oldest),
  };
}

/** What `status/?full=1` names as degraded; empty when all is well. */
export async function degradations(db: D1Database, now = Date.now()): Promise<string[]> {
  let figures: PipelineFigures;
  try {
    figures = await pipelineFigures(db, now);
  } catch {
    return ["D1 unreachable"];
  }
  const found: string[] = [];
  const unsettled = figures.oldest_unsettled_alert_age;
  if (unsettled !== null && unsettled * 1000 > UNSETTLED_ALERT_LIMIT_MS) found.push(`oldest unsettled alert is ${unsettled} s old`);
  const silent = figures.sweeper_last_run_age;
  if (silent === null) found.push("sweeper has not run yet");
  else if (silent * 1000 > SWEEPER_SILENCE_LIMIT_MS) found.push(`sweeper silent for ${silent} s`);
  return found;
}
