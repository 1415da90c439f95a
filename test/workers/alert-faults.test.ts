// Alert delivery under faults (invariants 4 and 9 in docs/architecture.md): one bad alert never fails its batch, each
// pair is recorded as soon as it is sent, per (check, channel) alerts go out in order, nothing
// unsettled is forgotten, and whatever is given up on is recorded.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { MAX_ATTEMPTS } from "../../src/alerts/claims";
import { sweep } from "../../src/sweeper/sweep";
import worker from "../../src/index";
import { checkWith, consume, consumeBatch, flipped, hold, LOOPBACK, received, release, script, webhookChannel } from "./alert-helpers";
import { api, makeProject } from "./helpers";

const log = async (flipId: string) =>
  (await env.DB.prepare("SELECT channel_id, status, error, attempts FROM notifications WHERE flip_id = ?").bind(flipId).all<Record<string, unknown>>())
    .results;

const watch = async (flipId: string) =>
  (await env.DB.prepare("SELECT watch_until FROM alert_flips WHERE id = ?").bind(flipId).first<{ watch_until: number | null }>())!.watch_until;

describe("one bad alert in a batch", () => {
  it("a header with a line break fails that pair alone; the rest of the batch is delivered and acknowledged", async () => {
    const bad = await makeProject("hostile");
    const badBox = crypto.randomUUID();
    const badChannel = await webhookChannel(bad, badBox, "templated", { "X-Check": "$NAME" });
    const hostile = await checkWith(bad, badChannel, "backup\r\nX-Other: 1");
    const good = await makeProject("other");
    const goodBox = crypto.randomUUID();
    const fine = await checkWith(good, await webhookChannel(good, goodBox), "nightly");

    const badMsg = await flipped(hostile.uuid, hostile.rec, "/fail");
    const goodMsg = await flipped(fine.uuid, fine.rec, "/fail");
    const result = await consumeBatch([badMsg, goodMsg]);
    expect(result.retryMessages).toEqual([]);
    expect([...result.explicitAcks].sort()).toEqual(["m0", "m1"]);
    expect(await received(goodBox)).toHaveLength(1);
    // Nothing went on the wire for the hostile one, so no header was injected anywhere.
    expect(await received(badBox)).toEqual([]);
    expect(await log(badMsg.flip_id)).toEqual([
      expect.objectContaining({ channel_id: badChannel, status: "failed", error: 'Header "X-Check" contains a line break; not sent' }),
    ]);
    expect(await log(goodMsg.flip_id)).toEqual([expect.objectContaining({ status: "sent", attempts: 1 })]);
  });
});

describe("recording outcomes", () => {
  it("records a pair as sent while another pair of the same batch is still in flight", async () => {
    const p = await makeProject();
    const [fastBox, slowBox] = [crypto.randomUUID(), crypto.randomUUID()];
    const [fast, slow] = [await webhookChannel(p, fastBox, "fast"), await webhookChannel(p, slowBox, "slow")];
    const { uuid, rec } = await checkWith(p, `${fast},${slow}`);
    const down = await flipped(uuid, rec, "/fail");
    await hold(slowBox);
    const delivery = consume(down);
    try {
      await vi.waitFor(
        async () => {
          const rows = await log(down.flip_id);
          expect(rows.find((r) => r.channel_id === fast)).toMatchObject({ status: "sent" });
          expect(rows.find((r) => r.channel_id === slow)).toMatchObject({ status: "sending" });
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await release(slowBox);
    }
    expect((await delivery).explicitAcks).toEqual(["m1"]);
    expect((await log(down.flip_id)).map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(await watch(down.flip_id)).toBeNull();
  });
});

describe("order per check and channel", () => {
  it("a recovery never overtakes its failure: the up waits while the down is retried, then both go in order", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    const up = await flipped(uuid, rec, "");
    const first = await consumeBatch([down, up]);
    expect(first.retryMessages).toHaveLength(2);
    expect((await received(box)).map((r) => r.method)).toEqual(["POST"]);
    expect(await log(up.flip_id)).toEqual([]);
    const second = await consumeBatch([down, up], { attempts: 2 });
    expect([...second.explicitAcks].sort()).toEqual(["m0", "m1"]);
    expect((await received(box)).map((r) => r.method)).toEqual(["POST", "POST", "GET"]);
  });

  it("alerts that piled up unsent are superseded by the latest, which alone is sent", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down1 = await flipped(uuid, rec, "/fail");
    expect((await consume(down1)).retryMessages).toHaveLength(1);
    const up = await flipped(uuid, rec, "");
    const down2 = await flipped(uuid, rec, "/fail");
    const result = await consumeBatch([down1, up, down2], { attempts: 2 });
    expect(result.explicitAcks).toHaveLength(3);
    const got = await received(box);
    expect(got.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(got[1]!.headers["idempotency-key"]).toContain(down2.flip_id);
    expect((await log(down1.flip_id))[0]).toMatchObject({ status: "superseded" });
    expect((await log(up.flip_id))[0]).toMatchObject({ status: "superseded" });
    expect((await log(down2.flip_id))[0]).toMatchObject({ status: "sent" });
  });

  it("the message of an earlier alert delivers it before a later one sent meanwhile by its own message", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    const up = await flipped(uuid, rec, "");
    // The up's message arrives first: it sends the down first, then the up.
    expect((await consume(up)).explicitAcks).toEqual(["m1"]);
    expect((await received(box)).map((r) => r.method)).toEqual(["POST", "GET"]);
    // The down's own message finds it delivered.
    expect((await consume(down)).explicitAcks).toEqual(["m1"]);
    expect(await received(box)).toHaveLength(2);
  });
});

describe("nothing unsettled is forgotten", () => {
  it("an alert still being retried is watched until its next try is due, not handed over again before", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    const before = Date.now();
    expect((await consume(down)).retryMessages).toHaveLength(1);
    expect(await watch(down.flip_id)).toBeGreaterThan(before + 60_000);
    expect((await sweep(env, Date.now())).requeued).toBe(0);
  });

  it("gives up on a pair after its attempts run out: failed, with the count and the last error, and acknowledged", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, Array(MAX_ATTEMPTS).fill(503));
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    const down = await flipped(uuid, rec, "/fail");
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) expect((await consume(down, { attempts: attempt })).retryMessages).toHaveLength(1);
    expect((await consume(down, { attempts: MAX_ATTEMPTS })).explicitAcks).toHaveLength(1);
    expect(await log(down.flip_id)).toEqual([
      expect.objectContaining({ status: "failed", attempts: MAX_ATTEMPTS, error: `gave up after ${MAX_ATTEMPTS} attempts: Received status code 503` }),
    ]);
    expect(await watch(down.flip_id)).toBeNull();
  });

  it("the dead-letter consumer records every pair it gives up on, also those never attempted", async () => {
    const p = await makeProject();
    const [a, b] = [await webhookChannel(p, crypto.randomUUID()), await webhookChannel(p, crypto.randomUUID())];
    const { uuid, rec } = await checkWith(p, `${a},${b}`);
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down, { queue: "alerts-dlq", attempts: 11 })).explicitAcks).toEqual(["m11"]);
    const rows = await log(down.flip_id);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ status: "failed", attempts: 0, error: "gave up after 0 attempts: the alert could not be processed" });
    expect(await watch(down.flip_id)).toBeNull();
  });

  it("the sweeper runs every step and reports in one line even when a step fails", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const broken = { ...env, ALERTS: { sendBatch: () => Promise.reject(new Error("queue down")) } } as unknown as Env;
      await env.DB.prepare(
        `INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, seq, watch_until)
         VALUES (?, 'c', 'p', 0, 'up', 'down', 'fail', '{}', 0, 1, 1)`,
      ).bind(crypto.randomUUID()).run();
      await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), broken);
    } finally {
      spy.mockRestore();
    }
    const sweeper = lines.filter((l) => l.startsWith("sweeper "));
    expect(sweeper).toHaveLength(1);
    const report = JSON.parse(sweeper[0]!.slice("sweeper ".length));
    expect(report.errors).toEqual(["alerts: queue down"]);
    expect(report).toHaveProperty("pruned");
  });
});

describe("test notifications", () => {
  it("a failing test notification is recorded as failed, never left to a retry that will not come", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const ch = await webhookChannel(p, box);
    const res = await api(p, `/channels/${ch}/test`, { method: "POST", vars: LOOPBACK });
    expect(await res.json()).toEqual({ ok: false, error: "Received status code 500" });
    const row = await env.DB.prepare("SELECT status FROM notifications WHERE channel_id = ?").bind(ch).first();
    expect(row).toEqual({ status: "failed" });
  });
});
