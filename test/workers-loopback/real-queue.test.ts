// Deliveries through the real `alerts` queue and its consumer (not a batch the test hands over), to
// the loopback receiver. This project's bindings allow private targets and retry without delay
// (vitest.config.ts, "workers-loopback"); the queues are configured as in wrangler.toml.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import { MAX_ATTEMPTS } from "../../src/alerts/claims";
import { sweep } from "../../src/sweeper/sweep";
import { checkWith, consumeBatch, flipped, received, script, webhookChannel } from "../workers/alert-helpers";
import { api, call, makeProject } from "../workers/helpers";

const watch = async (flipId: string) =>
  (await env.DB.prepare("SELECT watch_until FROM alert_flips WHERE id = ?").bind(flipId).first<{ watch_until: number | null }>())!.watch_until;

describe("the retry path of the real queue", () => {
  it("a receiver that always answers 500 gets max_retries + 1 attempts; the consumer gives up on the last delivery itself and acknowledges it, so nothing reaches the dead-letter queue", async () => {
    // The consumer's own limit falls on the queue's last delivery: the failure is recorded with the
    // last error by the consumer, not by the dead-letter consumer's generic "could not be processed".
    expect(MAX_ATTEMPTS).toBe(inject("alertsMaxRetries") + 1);
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, Array(MAX_ATTEMPTS + 5).fill(500));
    const channel = await webhookChannel(p, box);
    const { uuid } = await (await api(p, "/checks/", { body: { name: "nightly", channels: channel } })).json<{ uuid: string }>();
    const dead = vi.spyOn(console, "error");
    try {
      // A real ping: the check's object flips and hands the alert to the ALERTS producer itself.
      expect((await call(`/ping/${uuid}/fail`)).status).toBe(200);
      const row = () =>
        env.DB.prepare("SELECT status, error, attempts FROM notifications WHERE channel_id = ?").bind(channel).first<Record<string, unknown>>();
      await vi.waitFor(async () => expect(await row()).toMatchObject({ status: "failed" }), { timeout: 45_000, interval: 100 });
      expect(await row()).toEqual({
        status: "failed",
        error: `gave up after ${MAX_ATTEMPTS} attempts: Received status code 500`,
        attempts: MAX_ATTEMPTS,
      });
      expect(await received(box)).toHaveLength(MAX_ATTEMPTS);
      const flip = await env.DB.prepare("SELECT id FROM alert_flips WHERE check_id = ?").bind(uuid).first<{ id: string }>();
      expect(await watch(flip!.id)).toBeNull();
      expect(dead.mock.calls.flat().join("\n")).not.toContain("exhausted its retries");
    } finally {
      dead.mockRestore();
    }
  }, 60_000);
});

describe("nothing unsettled is forgotten", () => {
  it("an alert whose queue message was lost is handed to the queue again by the sweeper and delivered", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, box));
    // The object handed the alert over, but the message never reaches a consumer (a killed local runtime).
    const lost = await flipped(uuid, rec, "/fail");
    expect(await watch(lost.flip_id)).toBeGreaterThan(Date.now());
    await env.DB.prepare("UPDATE alert_flips SET watch_until = ? WHERE id = ?").bind(Date.now() - 1, lost.flip_id).run();
    const report = await sweep(env, Date.now());
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    // The real queue's consumer delivers it.
    await vi.waitFor(async () => expect(await received(box)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    await vi.waitFor(async () => expect(await watch(lost.flip_id)).toBeNull(), { timeout: 10_000, interval: 50 });
  });

});

describe("D1 query budget", () => {
  it("hands back the messages of a batch that would pass D1's queries per invocation, delivering the rest", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const channels: string[] = [];
    for (let i = 0; i < 40; i++) channels.push(await webhookChannel(p, box, `hook ${i}`));
    const messages = [];
    for (let i = 0; i < 10; i++) {
      const c = await checkWith(p, channels.join(","));
      messages.push(await flipped(c.uuid, c.rec, "/fail"));
    }
    // 10 messages × 40 channels × 4 queries is far over the budget: only the first checks fit. The rest
    // go back onto the real queue as new messages (no attempt counted) and its consumer delivers them.
    const result = await consumeBatch(messages, { prefix: "q" });
    expect(result.explicitAcks).toHaveLength(10);
    expect(result.retryMessages).toEqual([]);
    const first = (await received(box)).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(400);
    await vi.waitFor(async () => expect(await received(box)).toHaveLength(400), { timeout: 20_000, interval: 100 });
    const attempts = await env.DB.prepare(
      `SELECT max(attempts) AS a FROM notifications WHERE flip_id IN (SELECT value FROM json_each(?))`,
    ).bind(JSON.stringify(messages.map((m) => m.flip_id))).first<{ a: number }>();
    expect(attempts!.a).toBe(1);
  }, 60_000); // many requests: seconds, not milliseconds, on a loaded machine
});
