// Queue consumers for `alerts` and its dead-letter queue. Messages carry ids only; the flip's
// snapshot waits in D1 `alert_flips`, the per-channel delivery state in `notifications`.
import { giveUp } from "./claims";
import { deliverFlips, retryDelayMs, type AlertMessage } from "./deliver";

export type { AlertMessage };

export async function consumeAlerts(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  let outcomes;
  try {
    // The whole batch at once: one round trip to claim every pair, one to record every outcome.
    outcomes = await deliverFlips(env, batch.messages.map((m) => ({ body: m.body, attempts: m.attempts })));
  } catch (err) {
    console.error("alert delivery failed", err);
    for (const msg of batch.messages) msg.retry({ delaySeconds: Math.ceil(retryDelayMs(msg.attempts) / 1000) });
    return;
  }
  batch.messages.forEach((msg, i) => {
    const { retryInMs, snapshotMissing } = outcomes[i]!;
    if (snapshotMissing) console.error(`alert ${msg.body.flip_id} has no stored snapshot`);
    if (retryInMs === null) msg.ack();
    else msg.retry({ delaySeconds: Math.ceil(retryInMs / 1000) });
  });
}

/** Exhausted messages: the log says why, never a silent drop. */
export async function consumeDeadLetters(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    console.error(`alert ${msg.body.flip_id} for check ${msg.body.check_id} exhausted its retries`);
    await giveUp(env.DB, msg.body.flip_id, Date.now());
    msg.ack();
  }
}
