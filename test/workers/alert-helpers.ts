// Shared by the delivery tests: a check whose flips the test hands to the queue consumer itself.
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AlertMessage } from "../../src/alerts/deliver";
import { expect, inject } from "vitest";
import worker from "../../src/index";
import { api, call, recordAlerts, stub, type AlertRecorder, type TestProject } from "./helpers";

/**
 * The env delivery tests hand to the consumer: the project's bindings keep the private-address guard
 * on, and the receiver listens on loopback.
 */
export const LOOPBACK = { INTEGRATIONS_ALLOW_PRIVATE_IPS: "true" };
export const loopbackEnv = { ...env, ...LOOPBACK } as Env;

/** The local HTTP receiver (test/setup/receiver.ts). */
export const receiver = `http://127.0.0.1:${inject("receiverPort")}`;

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver recorded for a box, in arrival order. */
export const received = async (box: string): Promise<Received[]> => (await fetch(`${receiver}/__requests?box=${box}`)).json();
/** Statuses the box answers next, in order (then 200). */
export const script = (box: string, statuses: number[]) =>
  fetch(`${receiver}/__script?box=${box}`, { method: "POST", body: JSON.stringify(statuses) });
/** Requests to the box are held unanswered until released. */
export const hold = (box: string) => fetch(`${receiver}/__hold?box=${box}`, { method: "POST" });
export const release = (box: string) => fetch(`${receiver}/__release?box=${box}`, { method: "POST" });

/** A webhook channel posting JSON (name, status, body) to the box when down and GETting it when up. */
export async function webhookChannel(p: TestProject, box: string, name = box, headers: Record<string, string> = {}): Promise<string> {
  const res = await api(p, "/channels/", {
    body: {
      name,
      kind: "webhook",
      value: {
        method_down: "POST",
        url_down: `${receiver}/${box}/down?code=$CODE`,
        body_down: '{"name": $NAME_JSON, "status": "$STATUS", "body": $BODY_JSON}',
        headers_down: { "Content-Type": "application/json", ...headers },
        method_up: "GET",
        url_up: `${receiver}/${box}/up/$CODE`,
      },
    },
  });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

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

/** Hands one message to the Worker's queue handler as delivery attempt `attempts` (see consumeBatch for the env). */
export async function consume(body: AlertMessage, o: { attempts?: number; queue?: string; env?: Env } = {}) {
  const attempts = o.attempts ?? 1;
  return consumeBatch([body], { ...o, attempts, ids: [`m${attempts}`] });
}

/**
 * Hands `bodies` to the Worker's queue handler as one batch (message ids `${prefix}0`, `${prefix}1`, …
 * unless given), with `loopbackEnv` unless another env is given.
 */
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
  await worker.queue(batch, o.env ?? loopbackEnv);
  return getQueueResult(batch, ctx);
}
