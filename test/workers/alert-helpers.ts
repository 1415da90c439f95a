// Shared by the delivery tests: a check whose flips the test hands to the queue consumer itself.
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AlertMessage } from "../../src/alerts/deliver";
import worker from "../../src/index";
import { api, call, recordAlerts, stub, type AlertRecorder, type TestProject } from "./helpers";

/** A check attached to `channels` (ids, comma-separated); its queue sends are captured, not forwarded. */
export async function checkWith(p: TestProject, channels: string, name = "nightly") {
  const res = await api(p, "/checks/", { body: { name, channels } });
  const uuid = (await res.json<{ uuid: string }>()).uuid;
  const rec = await recordAlerts(uuid, false);
  return { uuid, rec };
}

/** Pings the check (GET, or POST with a body) and returns the alert message its flip produced. */
export async function flipped(uuid: string, rec: AlertRecorder, path: string, body?: string): Promise<AlertMessage> {
  await call(`/ping/${uuid}${path}`, { method: body === undefined ? "GET" : "POST", body });
  await runDurableObjectAlarm(stub(uuid));
  return rec.sent[rec.sent.length - 1]!;
}

/** Hands one message to the Worker's queue handler as delivery attempt `attempts`. */
export async function consume(body: AlertMessage, o: { attempts?: number; queue?: string; env?: Env } = {}) {
  const attempts = o.attempts ?? 1;
  return consumeBatch([body], { ...o, attempts, ids: [`m${attempts}`] });
}

/** Hands `bodies` to the Worker's queue handler as one batch (message ids `${prefix}0`, `${prefix}1`, … unless given). */
export async function consumeBatch(
  bodies: AlertMessage[],
  o: { attempts?: number; queue?: string; env?: Env; prefix?: string; ids?: string[] } = {},
) {
  const attempts = o.attempts ?? 1;
  const batch = createMessageBatch<AlertMessage>(
    o.queue ?? "alerts",
    bodies.map((body, i) => ({ id: o.ids?.[i] ?? `${o.prefix ?? "m"}${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, o.env ?? env);
  return getQueueResult(batch, ctx);
}
