// Shared test helpers: provisioning through the real admin API and check creation through the catalog.
import { createExecutionContext, evictDurableObject, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { verifyToken } from "../../src/alerts/email-links";
import { createCheck } from "../../src/checks/client";
import { type NewCheckFields } from "../../src/checks/repository";
import type { CheckView } from "../../src/checks/model";
import { config } from "../../src/config";
import worker from "../../src/index";
import { vi } from "vitest";

export const ADMIN = { Authorization: "Bearer test-admin-token", "Content-Type": "application/json" };

export interface TestProject {
  id: string;
  name: string;
  api_key: string;
  api_key_readonly: string;
  ping_key: string;
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://localhost${path}`, init));
}

/**
 * A Management API request with the project's read-write key (or read-only with `ro`, or a raw key).
 * With `vars`, the Worker's fetch handler runs with those vars overridden (see fetchWithVars).
 */
export function api(
  project: TestProject | string,
  path: string,
  init: { method?: string; body?: unknown; v?: 1 | 2 | 3; ro?: boolean; vars?: Partial<Env> } = {},
): Promise<Response> {
  const key = typeof project === "string" ? project : init.ro ? project.api_key_readonly : project.api_key;
  const request = {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "X-Api-Key": key, "Content-Type": "application/json" },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  };
  const url = `/api/v${init.v ?? 3}${path}`;
  return init.vars === undefined ? call(url, request) : fetchWithVars(init.vars, url, request);
}

export async function makeProject(name = "test"): Promise<TestProject> {
  const res = await call("/admin/v1/projects", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`project creation failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function makeCheck(fields: NewCheckFields = {}, project?: TestProject) {
  const p = project ?? (await makeProject());
  const row = await createCheck(env, p.id, fields, "http://localhost");
  return { id: row.id, project: p, row, stub: stub(row.id) };
}

export const stub = (id: string) => env.CHECKS.get(env.CHECKS.idFromName(id));

export async function view(id: string): Promise<CheckView> {
  const v = await stub(id).state();
  if (v === null) throw new Error(`check ${id} does not exist`);
  return v as CheckView;
}

/** Rewrites stored state (e.g. to put a ping in the past), then evicts the object so it reloads. */
export async function patchState(id: string, set: Record<string, number | string | null>): Promise<void> {
  const s = stub(id);
  await runInDurableObject(s, (_instance, state) => {
    const cols = Object.keys(set);
    state.storage.sql.exec(`UPDATE state SET ${cols.map((c) => `${c} = ?`).join(", ")} WHERE id = 1`, ...cols.map((c) => set[c]));
  });
  await evictDurableObject(s);
}

export async function summaryRow(id: string) {
  return env.DB.prepare("SELECT * FROM checks WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

export async function pings(id: string) {
  return (await stub(id).pings()) ?? [];
}

export interface AlertRecorder {
  sent: { flip_id: string; check_id: string; project_id: string }[];
  /** Makes the next `n` sends fail as if the queue were unreachable. */
  failNext(n: number): void;
}

/**
 * Wraps the DO's alerts queue so a test sees (or breaks) every send. The real queue still gets them
 * unless `forward` is false: then the test hands them to the consumer itself.
 */
export async function recordAlerts(id: string, forward = true): Promise<AlertRecorder> {
  const sent: AlertRecorder["sent"] = [];
  let failures = 0;
  await runInDurableObject(stub(id), (instance) => {
    const real = instance.alerts;
    instance.alerts = {
      async send(body: AlertRecorder["sent"][number]) {
        if (failures > 0) {
          failures--;
          throw new Error("queue unavailable");
        }
        sent.push(body);
        if (forward) return real.send(body);
      },
      sendBatch: real.sendBatch.bind(real),
    } as Queue;
  });
  return { sent, failNext: (n) => (failures = n) };
}

export async function outboxSize(id: string): Promise<number> {
  return runInDurableObject(stub(id), (_i, state) => {
    const tables = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'outbox'").toArray();
    if (tables.length === 0) return 0;
    return state.storage.sql.exec("SELECT count(*) AS n FROM outbox").one().n as number;
  });
}

export async function alarmAt(id: string): Promise<number | null> {
  return runInDurableObject(stub(id), (_i, state) => state.storage.getAlarm());
}

/**
 * The Worker's own fetch handler with some vars overridden (the DO keeps the real env). `path` may
 * be a whole URL, to reach the Worker under another host than localhost.
 */
export async function fetchWithVars(vars: Record<string, string> | Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const url = /^https?:/.test(path) ? path : `http://localhost${path}`;
  const res = await worker.fetch(new Request(url, init), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * Stops the clock (Date only; timers stay real) at `at` for the test, the Worker and its Durable
 * Objects, which all run in this isolate, so time windows (rate limits) depend on the test alone,
 * not on how fast the machine is. Undo with `vi.useRealTimers()` (an afterEach in the file).
 */
export function freezeClock(at = Date.now()): { advance: (ms: number) => void } {
  vi.useFakeTimers({ toFake: ["Date"], now: at });
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}

/** Opens an email channel's verification link through the Worker, as the address's owner would. */
export async function openVerifyLink(channelId: string, address: string): Promise<Response> {
  return call(`/integrations/${channelId}/verify/${await verifyToken(config(env).secretKey, channelId, address)}/`);
}

/** Sets (or with null clears) one of the object's scheduled items, then evicts it so it reloads. */
export async function patchSchedule(id: string, item: string, due: number | null): Promise<void> {
  const s = stub(id);
  await runInDurableObject(s, (_instance, state) => {
    if (due === null) state.storage.sql.exec("DELETE FROM schedule WHERE item = ?", item);
    else state.storage.sql.exec("INSERT OR REPLACE INTO schedule (item, due) VALUES (?, ?)", item, due);
  });
  await evictDurableObject(s);
}

/** The object's scheduled items (stored and derived), item → due time. */
export async function scheduled(id: string): Promise<Record<string, number>> {
  return stub(id).scheduledItems();
}
