// Queue consumers for `alerts` and its dead-letter queue. Messages carry ids only; the alert's
// snapshot waits in D1 `alert_flips`, the per-channel delivery state in `notifications`.
import { publish } from "../projects/live";
import { deliverFlips, giveUp, retryDelayMs, type AlertMessage } from "./deliver";

export type { AlertMessage };

/**
 * Seconds a retried message waits: the schedule's delay, or ALERT_RETRY_DELAY_MS when set (tests run
 * the real queue's whole retry path without waiting 20 minutes).
 */
function delaySeconds(env: Env, scheduledMs: number): number {
  const override = Number(env.ALERT_RETRY_DELAY_MS ?? "");
  const ms = (env.ALERT_RETRY_DELAY_MS ?? "").trim() !== "" && Number.isFinite(override) && override >= 0 ? override : scheduledMs;
  return Math.ceil(ms / 1000);
}

export async function consumeAlerts(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  let outcomes;
  try {
    outcomes = await deliverFlips(env, batch.messages.map((m) => m.body));
  } catch (err) {
    console.error("alert delivery failed", err);
    for (const msg of batch.messages) msg.retry({ delaySeconds: delaySeconds(env, retryDelayMs(msg.attempts)) });
    return;
  }
  const deferred = batch.messages.filter((_, i) => outcomes[i]!.deferred === true);
  if (deferred.length > 0) {
    // Not attempted: handed over again as new messages, so a deferral never counts as a failed attempt.
    try {
      await env.ALERTS.sendBatch(deferred.map((m) => ({ body: m.body })));
      for (const msg of deferred) msg.ack();
    } catch (err) {
      console.error("could not re-send deferred alerts; retrying them instead", err);
      for (const msg of deferred) msg.retry();
    }
  }
  const attempted = batch.messages.filter((_, i) => outcomes[i]!.deferred !== true);
  batch.messages.forEach((msg, i) => {
    const { retryInMs, snapshotMissing, deferred: wasDeferred } = outcomes[i]!;
    if (wasDeferred === true) return;
    if (snapshotMissing) console.error(`alert ${msg.body.flip_id} has no stored snapshot`);
    if (retryInMs === null) msg.ack();
    else msg.retry({ delaySeconds: delaySeconds(env, retryInMs) });
  });
  // Open dashboards show the new delivery records (after the acks: never holding up the batch).
  await publishAlerts(env, attempted.map((m) => m.body));
}

/** One live event per check, one call per project. */
async function publishAlerts(env: Env, alerts: AlertMessage[]): Promise<void> {
  const byProject = new Map<string, Set<string>>();
  for (const a of alerts) byProject.set(a.project_id, (byProject.get(a.project_id) ?? new Set()).add(a.check_id));
  await Promise.all([...byProject].map(([project, checks]) => publish(env, project, [...checks].map((uuid) => ({ type: "alert" as const, uuid })))));
}

/** Exhausted messages: every pair not delivered is recorded as failed, never a silent drop. */
export async function consumeDeadLetters(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    console.error(`alert ${msg.body.flip_id} for check ${msg.body.check_id} exhausted its retries`);
    try {
      await giveUp(env, msg.body);
      msg.ack();
    } catch (err) {
      console.error(`could not record giving up on alert ${msg.body.flip_id}`, err);
      msg.retry();
    }
  }
}
