// Alert delivery end to end inside the Workers pool: a real ping flips the check, its outbox hands
// the flip over, the queue consumer delivers to a real local HTTP receiver (test/setup/receiver.ts).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Ledger, LEASE_MS, MAX_ATTEMPTS } from "../../src/alerts/claims";
import { deliverFlips, giveUp, retryDelayMs, type AlertMessage } from "../../src/alerts/deliver";
import { sendRequest } from "../../src/alerts/http";
import { checkWith, consume, consumeBatch, flipped, LOOPBACK, loopbackEnv, received, receiver, script, webhookChannel } from "./alert-helpers";
import { ADMIN, api, call, makeProject, patchSchedule, patchState, recordAlerts, stub } from "./helpers";

const deliverFlip = async (e: Env, msg: AlertMessage) => (await deliverFlips(e, [msg]))[0]!;

async function log(flipId: string) {
  return env.DB.prepare("SELECT * FROM notifications WHERE flip_id = ?").bind(flipId).all<Record<string, unknown>>();
}

describe("delivery to a webhook", () => {
  it("delivers one templated request for a failure and one for the recovery; an unattached channel gets nothing", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const ch = await webhookChannel(p, box);
    const other = crypto.randomUUID();
    await webhookChannel(p, other);
    const { uuid, rec } = await checkWith(p, ch);

    const down = await flipped(uuid, rec, "/fail", "disk full");
    expect((await consume(down)).explicitAcks).toEqual(["m1"]);
    let got = await received(box);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ method: "POST", path: `/${box}/down?code=${uuid}` });
    expect(JSON.parse(got[0]!.body)).toEqual({ name: "nightly", status: "down", body: "disk full" });
    expect(got[0]!.headers["idempotency-key"]).toBe(`${down.flip_id}:${ch}`);
    expect(got[0]!.headers["content-type"]).toBe("application/json");

    const up = await flipped(uuid, rec, "");
    await consume(up);
    got = await received(box);
    expect(got).toHaveLength(2);
    expect(got[1]).toMatchObject({ method: "GET", path: `/${box}/up/${uuid}`, body: "" });
    expect(await received(other)).toEqual([]);
    expect((await log(down.flip_id)).results).toEqual([expect.objectContaining({ channel_id: ch, status: "sent", error: "", attempts: 1 })]);
  });

  it("follows the send-time rule: a channel attached after the flip but before delivery is notified", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const ch = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, "");
    const down = await flipped(uuid, rec, "/fail");
    await api(p, `/checks/${uuid}`, { body: { channels: ch } });
    await consume(down);
    expect(await received(box)).toHaveLength(1);
  });

  it("delivers a redelivered message once", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    await consume(down, { attempts: 1 });
    await consume(down, { attempts: 2 });
    expect(await received(box)).toHaveLength(1);
  });

  it("retries a failing receiver: 500, 500, 200 → delivered once, 3 attempts logged", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500, 500]);
    const ch = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    const first = await consume(down, { attempts: 1 });
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect((await consume(down, { attempts: 2 })).retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
    expect((await consume(down, { attempts: 3 })).explicitAcks).toEqual(["m3"]);
    expect((await received(box)).map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    expect((await log(down.flip_id)).results).toEqual([expect.objectContaining({ status: "sent", attempts: 3, error: "" })]);
    const channel = await env.DB.prepare("SELECT last_error, last_notify, last_notify_duration FROM channels WHERE id = ?").bind(ch).first();
    expect(channel).toMatchObject({ last_error: "", last_notify: expect.any(Number), last_notify_duration: expect.any(Number) });
    expect(channel!.last_notify_duration as number).toBeGreaterThanOrEqual(0);
  });

  it("a pair a dead consumer claimed waits for its lease; one whose lease ran out is taken over", async () => {
    const p = await makeProject();
    const [held, expired] = [crypto.randomUUID(), crypto.randomUUID()];
    const [chHeld, chExpired] = [await webhookChannel(p, held), await webhookChannel(p, expired)];
    const { uuid, rec } = await checkWith(p, `${chHeld},${chExpired}`);
    const down = await flipped(uuid, rec, "/fail");
    const key = (channelId: string) => ({ flipId: down.flip_id, channelId, checkId: uuid, projectId: p.id });
    // Two consumers claimed a pair each and died before sending: one just now, one over a lease ago.
    expect(await new Ledger(env.DB).claim(key(chHeld))).toEqual({ kind: "claimed", attempt: 1 });
    expect(await new Ledger(env.DB, () => Date.now() - LEASE_MS - 1000).claim(key(chExpired))).toEqual({ kind: "claimed", attempt: 1 });
    // The message comes back when the live lease runs out, not before.
    const { retryInMs } = await deliverFlip(loopbackEnv, down);
    expect(retryInMs).toBeGreaterThan(LEASE_MS - 10_000);
    expect(await received(held)).toEqual([]);
    expect(await received(expired)).toHaveLength(1);
    const rows = (await log(down.flip_id)).results;
    expect(rows.find((r) => r.channel_id === chExpired)).toMatchObject({ status: "sent", attempts: 2 });
    expect(rows.find((r) => r.channel_id === chHeld)).toMatchObject({ status: "sending", attempts: 1 });
  });

  it("keeps at most 200 characters of an error in the log, also when giving up", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    const key = { flipId: down.flip_id, channelId: ch, checkId: uuid, projectId: p.id };
    const ledger = new Ledger(env.DB);
    await ledger.claim(key);
    const error = `Received status code 500 with a message: "${"x".repeat(500)}"`;
    await ledger.settle({ key, outcome: "retry", error, started: Date.now(), disableChannel: false });
    expect((await log(down.flip_id)).results[0]!.error).toBe(error.slice(0, 200));
    expect((await env.DB.prepare("SELECT last_error FROM channels WHERE id = ?").bind(ch).first())!.last_error).toBe(error.slice(0, 200));
    await giveUp(env, down);
    expect((await log(down.flip_id)).results[0]).toMatchObject({
      status: "failed",
      error: `gave up after 1 attempts: ${error}`.slice(0, 200),
    });
  });

  it("an answer that means the channel is broken (Slack 404) fails for good and disables the channel", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [404]);
    const res = await api(p, "/channels/", { body: { name: "slack", kind: "slack", value: `${receiver}/${box}/services/T/B/x` } });
    const ch = (await res.json<{ id: string }>()).id;
    // Another check of the project is down: the alert lists it.
    const other = await checkWith(p, "", "db backup");
    await flipped(other.uuid, other.rec, "/fail");
    const { uuid, rec } = await checkWith(p, ch, "nightly");
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down)).explicitAcks).toEqual(["m1"]);
    const [request] = await received(box);
    expect(request!.body).toContain("db backup");
    expect((await log(down.flip_id)).results).toEqual([expect.objectContaining({ status: "failed", error: "Received status code 404" })]);
    expect(await env.DB.prepare("SELECT disabled, last_error FROM channels WHERE id = ?").bind(ch).first()).toEqual({
      disabled: 1,
      last_error: "Received status code 404",
    });
    // A disabled channel is skipped from then on: no request, no log row.
    const up = await flipped(uuid, rec, "");
    expect((await consume(up)).explicitAcks).toEqual(["m1"]);
    expect(await received(box)).toHaveLength(1);
    expect((await log(up.flip_id)).results).toEqual([]);
  });

  it("lands in the dead-letter queue when the receiver always fails, and the log says why", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, Array(20).fill(500));
    const ch = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    for (let attempt = 1; attempt <= 3; attempt++) expect((await consume(down, { attempts: attempt })).retryMessages).toHaveLength(1);
    expect((await log(down.flip_id)).results).toEqual([expect.objectContaining({ status: "retry", error: "Received status code 500" })]);
    expect((await consume(down, { attempts: 4, queue: "alerts-dlq" })).explicitAcks).toEqual(["m4"]);
    expect((await log(down.flip_id)).results).toEqual([
      expect.objectContaining({ status: "failed", error: "gave up after 3 attempts: Received status code 500" }),
    ]);
    const channel = await env.DB.prepare("SELECT last_error FROM channels WHERE id = ?").bind(ch).first();
    expect(channel).toMatchObject({ last_error: "Received status code 500" });
  });

  it("retry delays: two quick ones, then doubling up to 2 minutes apart; the tries before giving up span over 10 minutes", async () => {
    const delays = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1));
    expect(delays.slice(0, 2).reduce((a, b) => a + b)).toBeLessThanOrEqual(5000);
    expect(delays.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(600_000);
    expect(Math.max(...delays)).toBe(120_000);
    for (let i = 3; i < delays.length; i++) expect(delays[i]).toBe(Math.min(120_000, 2 * delays[i - 1]!));
  });
});

describe("delivery rules", () => {
  it("refuses private and loopback addresses unless INTEGRATIONS_ALLOW_PRIVATE_IPS", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    const outcome = await deliverFlip({ ...env, INTEGRATIONS_ALLOW_PRIVATE_IPS: "false" } as Env, down);
    expect(outcome.retryInMs).toBeNull();
    expect(await received(box)).toEqual([]);
    expect((await log(down.flip_id)).results).toEqual([
      expect.objectContaining({ status: "failed", error: "Connections to private IP addresses are not allowed" }),
    ]);
  });

  it("sends nothing for a direction the channel leaves empty", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const res = await api(p, "/channels/", {
      body: { name: "down only", kind: "webhook", value: { method_down: "GET", url_down: `${receiver}/${box}/down` } },
    });
    const { uuid, rec } = await checkWith(p, (await res.json<{ id: string }>()).id);
    await consume(await flipped(uuid, rec, "/fail"));
    const up = await flipped(uuid, rec, "");
    await consume(up);
    expect((await received(box)).map((r) => r.path)).toEqual([`/${box}/down`]);
    expect((await log(up.flip_id)).results).toEqual([]);
  });
});

describe("reminders through the pipeline", () => {
  it("delivers a still-down reminder to the channel with its own idempotency key", async () => {
    const p = await makeProject();
    await call(`/admin/v1/projects/${p.id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ nag_period: 3600 }) });
    const box = crypto.randomUUID();
    const ch = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail", "first");
    await consume(down);
    await patchState(uuid, { down_since: Date.now() - 3_700_000 });
    await patchSchedule(uuid, "reminder", Date.now() - 1);
    const again = await recordAlerts(uuid, false);
    await runDurableObjectAlarm(stub(uuid));
    expect(again.sent).toHaveLength(1);
    await consume(again.sent[0]!);
    const got = await received(box);
    expect(got).toHaveLength(2);
    expect(got[1]!.headers["idempotency-key"]).toBe(`${again.sent[0]!.flip_id}:${ch}`);
    expect(JSON.parse(got[1]!.body)).toMatchObject({ status: "down", body: "first" });
  });
});

describe("test notifications", () => {
  it("POST /api/v3/channels/<id>/test delivers a test alert through the same path and reports the result", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const ch = await webhookChannel(p, box);
    const res = await api(p, `/channels/${ch}/test`, { method: "POST", vars: LOOPBACK });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, error: "" });
    const got = await received(box);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ name: "TEST", status: "down" });
    expect(got[0]!.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}:/);
  });

  it("reports a failing receiver without retrying, and refuses read-only keys and other projects", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const ch = await webhookChannel(p, box);
    expect(await (await api(p, `/channels/${ch}/test`, { method: "POST", vars: LOOPBACK })).json()).toEqual({
      ok: false,
      error: "Received status code 500",
    });
    expect(await received(box)).toHaveLength(1);
    expect((await api(p, `/channels/${ch}/test`, { method: "POST", ro: true })).status).toBe(401);
    expect((await api(await makeProject(), `/channels/${ch}/test`, { method: "POST" })).status).toBe(404);
  });
});

describe("groups", () => {
  it("a group channel delivers to each member once, even when a member is also attached directly", async () => {
    const p = await makeProject();
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const chA = await webhookChannel(p, a);
    const chB = await webhookChannel(p, b);
    const res = await api(p, "/channels/", { body: { name: "everyone", kind: "group", value: `${chA},${chB}` } });
    const group = (await res.json<{ id: string }>()).id;
    const { uuid, rec } = await checkWith(p, `${group},${chA}`);
    await consume(await flipped(uuid, rec, "/fail"));
    expect(await received(a)).toHaveLength(1);
    expect(await received(b)).toHaveLength(1);
  });
});

describe("batches", () => {
  it("delivers a batch of several flips together, acking each message on its own", async () => {
    const p = await makeProject();
    const okBox = crypto.randomUUID();
    const badBox = crypto.randomUUID();
    await script(badBox, [500]);
    const ok = await checkWith(p, await webhookChannel(p, okBox));
    const bad = await checkWith(p, await webhookChannel(p, badBox));
    const messages = [await flipped(ok.uuid, ok.rec, "/fail"), await flipped(bad.uuid, bad.rec, "/fail")];
    const result = await consumeBatch(messages, { prefix: "b" });
    expect(result.explicitAcks).toEqual(["b0"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["b1"]);
    expect(await received(okBox)).toHaveLength(1);
    expect(await received(badBox)).toHaveLength(1);
  });

  it("reads a mixed batch at once yet gives every flip only its own project's channels", async () => {
    const [a, b] = [await makeProject(), await makeProject()];
    const [aMember, aDirect, bBox, bGone] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const member = await webhookChannel(a, aMember);
    const group = (await (await api(a, "/channels/", { body: { name: "team", kind: "group", value: member } })).json<{ id: string }>()).id;
    const grouped = await checkWith(a, group, "grouped");
    const direct = await checkWith(a, await webhookChannel(a, aDirect), "direct");
    const plain = await checkWith(b, await webhookChannel(b, bBox), "plain");
    const deleted = await checkWith(b, await webhookChannel(b, bGone), "deleted");
    const messages = [
      await flipped(grouped.uuid, grouped.rec, "/fail"),
      await flipped(plain.uuid, plain.rec, "/fail"),
      await flipped(direct.uuid, direct.rec, "/fail"),
      await flipped(deleted.uuid, deleted.rec, "/fail"),
    ];
    // Deleted after its flip: its alert still goes to the channels it had then (snapshot fallback).
    expect((await api(b, `/checks/${deleted.uuid}`, { method: "DELETE" })).status).toBe(200);
    // A message whose flip has no stored snapshot comes back later; the others are unaffected.
    const orphan = { ...messages[0]!, flip_id: crypto.randomUUID() };
    const result = await consumeBatch([...messages, orphan], { prefix: "x" });
    expect(result.explicitAcks).toEqual(["x0", "x1", "x2", "x3"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["x4"]);
    const codes = async (box: string) => (await received(box)).map((r) => new URL(r.path, receiver).searchParams.get("code"));
    expect(await codes(aMember)).toEqual([grouped.uuid]);
    expect(await codes(aDirect)).toEqual([direct.uuid]);
    expect(await codes(bBox)).toEqual([plain.uuid]);
    expect(await codes(bGone)).toEqual([deleted.uuid]);
  }, 60_000); // many requests: seconds, not milliseconds, on a loaded machine
});

describe("a request that needs another first (Pushover's emergency cancel)", () => {
  it("sends the first one, then the request; stops when the first one fails", async () => {
    const box = crypto.randomUUID();
    const req = (step: string) => ({ method: "POST" as const, url: `${receiver}/${box}/${step}`, headers: {}, body: step });
    const chained = { ...req("message"), first: req("cancel") };
    expect(await sendRequest(chained, "flip:chan", true)).toMatchObject({ ok: true });
    expect((await received(box)).map((r) => [r.path, r.headers["idempotency-key"]])).toEqual([
      [`/${box}/cancel`, "flip:chan"],
      [`/${box}/message`, "flip:chan"],
    ]);
    await script(box, [503]);
    expect(await sendRequest(chained, "flip:chan", true)).toEqual({
      ok: false,
      error: "Received status code 503",
      permanent: false,
      status: 503,
    });
    expect((await received(box)).map((r) => r.path)).toEqual([`/${box}/cancel`, `/${box}/message`, `/${box}/cancel`]);
  });
});
