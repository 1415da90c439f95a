// Outbound abuse limits (docs/api.md, "Channels through the API"): verification mails and test
// notifications, at most 5 per channel per hour each, counted in D1; and a test notification whose
// record cannot be written is never left "sending".
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOOPBACK, received as receivedAt, webhookChannel } from "./alert-helpers";
import { receivedMail, smtpVars } from "./email-helpers";
import { LEASE_MS } from "../../src/alerts/claims";
import { sweep } from "../../src/sweeper/sweep";
import { api, fetchWithVars, freezeClock, makeProject, type TestProject } from "./helpers";

afterEach(() => vi.useRealTimers());

const MIN = 60_000;
const address = () => `ops-${crypto.randomUUID()}@example.com`;

function postWithSmtp(p: TestProject, path: string, body: unknown): Promise<Response> {
  return fetchWithVars(smtpVars(), `/api/v3${path}`, {
    method: "POST",
    headers: { "X-Api-Key": p.api_key, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** An unverified email channel; creating it mailed the first link. */
async function emailChannel(p: TestProject, to: string): Promise<string> {
  const res = await postWithSmtp(p, "/channels/", { name: "mail", kind: "email", value: to });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

const testNotification = (p: TestProject, id: string) => api(p, `/channels/${id}/test`, { method: "POST", vars: LOOPBACK });

describe("verification mails", () => {
  it("the sixth link within an hour is refused with 429 and Retry-After, and not mailed", async () => {
    const clock = freezeClock();
    const p = await makeProject();
    const to = address();
    const id = await emailChannel(p, to);
    for (let i = 0; i < 4; i++) expect((await postWithSmtp(p, `/channels/${id}`, { value: to })).status).toBe(200);
    clock.advance(10 * MIN);
    const refused = await postWithSmtp(p, `/channels/${id}`, { value: to });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe(String(50 * 60));
    expect(await refused.json()).toEqual({ error: expect.stringContaining("too many verification emails") });
    expect(await receivedMail(to)).toHaveLength(5);
  });

  it("an hour after the first link another one goes out", async () => {
    const clock = freezeClock();
    const p = await makeProject();
    const to = address();
    const id = await emailChannel(p, to);
    for (let i = 0; i < 4; i++) await postWithSmtp(p, `/channels/${id}`, { value: to });
    clock.advance(60 * MIN);
    expect((await postWithSmtp(p, `/channels/${id}`, { value: to })).status).toBe(200);
    expect(await receivedMail(to)).toHaveLength(6);
  });

  it("a refused re-send changes nothing else in the request", async () => {
    freezeClock();
    const p = await makeProject();
    const to = address();
    const id = await emailChannel(p, to);
    for (let i = 0; i < 4; i++) await postWithSmtp(p, `/channels/${id}`, { value: to });
    expect((await postWithSmtp(p, `/channels/${id}`, { value: to, name: "renamed" })).status).toBe(429);
    const row = await env.DB.prepare("SELECT name FROM channels WHERE id = ?").bind(id).first();
    expect(row).toEqual({ name: "mail" });
  });
});

describe("test notifications", () => {
  it("the sixth within an hour is refused with 429 and Retry-After, and not sent", async () => {
    const clock = freezeClock();
    const p = await makeProject();
    const box = crypto.randomUUID();
    const id = await webhookChannel(p, box);
    for (let i = 0; i < 5; i++) expect(await (await testNotification(p, id)).json()).toEqual({ ok: true, error: "" });
    clock.advance(59 * MIN + 30_000);
    const refused = await testNotification(p, id);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("30");
    expect(await refused.json()).toEqual({ error: expect.stringContaining("too many test notifications") });
    expect(await receivedAt(box)).toHaveLength(5);
  });

  it("the limit is per channel: another channel of the project can still be tested", async () => {
    freezeClock();
    const p = await makeProject();
    const [a, b] = [await webhookChannel(p, crypto.randomUUID()), await webhookChannel(p, crypto.randomUUID())];
    for (let i = 0; i < 5; i++) await testNotification(p, a);
    expect((await testNotification(p, a)).status).toBe(429);
    expect((await testNotification(p, b)).status).toBe(200);
  });

  it("one whose outcome cannot be recorded leaves no record 'sending' behind", async () => {
    const p = await makeProject();
    const id = await webhookChannel(p, crypto.randomUUID());
    // D1 refuses the batch that records the outcome (both tries); everything else reaches the real D1.
    const real = env.DB;
    const failing = {
      prepare: real.prepare.bind(real),
      batch: (stmts: D1PreparedStatement[]) =>
        stmts.length === 2 && failures++ < 2 ? Promise.reject(new Error("D1 unavailable")) : real.batch(stmts),
    };
    let failures = 0;
    const res = await api(p, `/channels/${id}/test`, { method: "POST", vars: { ...LOOPBACK, DB: failing as unknown as D1Database } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, error: expect.stringContaining("the outcome could not be recorded") });
    const rows = await env.DB.prepare("SELECT status FROM notifications WHERE channel_id = ?").bind(id).all();
    expect(rows.results).toEqual([{ status: "failed" }]);
  });

  it("one whose instance died before recording anything is closed as failed by the sweeper once its lease expired", async () => {
    const p = await makeProject();
    const id = await webhookChannel(p, crypto.randomUUID());
    // After the claim D1 refuses every write, as if the instance had died right after claiming.
    const real = env.DB;
    let claimed = false;
    const dying = {
      prepare: (query: string) => {
        if (claimed) throw new Error("D1 unavailable");
        return real.prepare(query);
      },
      batch: async (stmts: D1PreparedStatement[]) => {
        if (claimed) throw new Error("D1 unavailable");
        claimed = true;
        return real.batch(stmts);
      },
    };
    await api(p, `/channels/${id}/test`, { method: "POST", vars: { ...LOOPBACK, DB: dying as unknown as D1Database } });
    const status = () => env.DB.prepare("SELECT status FROM notifications WHERE channel_id = ?").bind(id).first<{ status: string }>();
    expect(await status()).toEqual({ status: "sending" });
    expect((await sweep(env, Date.now())).testsClosed).toBe(0);
    expect((await sweep(env, Date.now() + LEASE_MS + 1000)).testsClosed).toBe(1);
    expect(await status()).toEqual({ status: "failed" });
  });
});
