// Queue consumers for `alerts` and its dead-letter queue. Messages carry ids only; the flip's
// snapshot waits in D1 `alert_flips`, the per-channel delivery state in `notifications`.
import { giveUp } from "./claims";
import { deliverFlip, retryDelayMs, type AlertMessage } from "./deliver";

export type { AlertMessage };

export async function consumeAlerts(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  // Messages are independent: deliver them side by side, each acked or retried on its own.
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        const { retryInMs, snapshotMissing } = await deliverFlip(env, msg.body, msg.attempts);
        if (snapshotMissing) console.error(`alert ${msg.body.flip_id} has no stored snapshot`);
        if (retryInMs === null) msg.ack();
        else msg.retry({ delaySeconds: Math.ceil(retryInMs / 1000) });
      } catch (err) {
        console.error(`delivery of alert ${msg.body.flip_id} failed`, err);
        msg.retry({ delaySeconds: Math.ceil(retryDelayMs(msg.attempts) / 1000) });
      }
    }),
  );
}

/** Exhausted messages: the log says why, never a silent drop. */
export async function consumeDeadLetters(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    console.error(`alert ${msg.body.flip_id} for check ${msg.body.check_id} exhausted its retries`);
    await giveUp(env.DB, msg.body.flip_id, Date.now());
    msg.ack();
  }
}
