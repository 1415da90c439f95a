// Queue consumers for `alerts` and its dead-letter queue. Messages carry ids only; the flip's
// snapshot waits in D1 `alert_flips`. Fan-out to channels and delivery land with the alerts issue
// (#5): until then a flip is acknowledged once its snapshot is confirmed stored.

export interface AlertMessage {
  flip_id: string;
  check_id: string;
  project_id: string;
}

export async function consumeAlerts(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const row = await env.DB.prepare("SELECT id FROM alert_flips WHERE id = ?").bind(msg.body.flip_id).first();
    if (row === null) {
      console.error(`alert ${msg.body.flip_id} has no stored snapshot`);
      msg.retry();
      continue;
    }
    msg.ack();
  }
}

export async function consumeDeadLetters(batch: MessageBatch<AlertMessage>): Promise<void> {
  for (const msg of batch.messages) {
    console.error(`alert ${msg.body.flip_id} for check ${msg.body.check_id} exhausted its retries`);
    msg.ack();
  }
}
