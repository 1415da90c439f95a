// Healthchecks' operator endpoint GET /api/vN/metrics/ (X-Metrics-Key) and GET /api/v3/status/?full=1
// (docs/api.md, docs/operations.md "What to watch").
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PipelineFigures } from "../../src/metrics/pipeline";
import { sweep } from "../../src/sweeper/sweep";
import { checkWith, flipped, webhookChannel } from "./alert-helpers";
import { call, fetchWithVars, freezeClock, makeProject } from "./helpers";

afterEach(() => vi.useRealTimers());

const KEY = "operator-metrics-key-0123456789";
const MIN = 60_000;

const metrics = (headers: Record<string, string> = { "X-Metrics-Key": KEY }, vars: Partial<Env> = { METRICS_KEY: KEY }, v = 3) =>
  fetchWithVars(vars, `/api/v${v}/metrics/`, { headers });


const figures = async () => (await metrics()).json<PipelineFigures>();

describe("GET metrics/", () => {
  it("without METRICS_KEY configured it answers 403, whatever key is presented", async () => {
    const res = await metrics({ "X-Metrics-Key": "" }, { METRICS_KEY: "" });
    expect(res.status).toBe(403);
    expect((await metrics({ "X-Metrics-Key": "anything" }, {})).status).toBe(403);
  });

  it("a wrong or missing X-Metrics-Key gets 403", async () => {
    expect((await metrics({ "X-Metrics-Key": `${KEY}x` })).status).toBe(403);
    expect((await metrics({ "X-Metrics-Key": KEY.slice(1) })).status).toBe(403);
    expect((await metrics({})).status).toBe(403);
  });

  it("an API key is not a metrics key", async () => {
    const p = await makeProject();
    expect((await metrics({ "X-Metrics-Key": p.api_key, "X-Api-Key": p.api_key })).status).toBe(403);
  });

  it("with the key, every API version answers Healthchecks' ts and num_unprocessed_flips and the instance's counts", async () => {
    const before = await figures();
    const p = await makeProject();
    await checkWith(p, await webhookChannel(p, crypto.randomUUID()));
    for (const v of [1, 2, 3]) {
      const res = await metrics(undefined, undefined, v);
      expect(res.status).toBe(200);
      const f = await res.json<PipelineFigures>();
      expect(f.ts).toBe(Math.floor(Date.now() / 1000));
      expect(f).toMatchObject({ checks: before.checks + 1, projects: before.projects + 1, channels: before.channels + 1 });
      expect(typeof f.num_unprocessed_flips).toBe("number");
    }
  });

  it("an alert not yet delivered shows as unprocessed, with the age of the oldest", async () => {
    const clock = freezeClock();
    const p = await makeProject();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, crypto.randomUUID()));
    const before = (await figures()).num_unprocessed_flips;
    await flipped(uuid, rec, "/fail");
    clock.advance(2 * MIN);
    const f = await figures();
    expect(f.num_unprocessed_flips).toBe(before + 1);
    expect(f.oldest_unsettled_alert_age).toBeGreaterThanOrEqual(120);
  });

  it("reports the sweeper's last run: when it finished and what it did", async () => {
    const clock = freezeClock();
    const report = await sweep(env, Date.now());
    clock.advance(30_000);
    const f = await figures();
    expect(f.sweeper_last_run).toBe(new Date(Date.now() - 30_000).toISOString());
    expect(f.sweeper_last_run_age).toBe(30);
    expect(f.sweeper_last_report).toEqual(report);
  });

  it("counts checks whose next scheduled item is over a minute overdue (the summary lag the sweeper would poke)", async () => {
    freezeClock();
    const p = await makeProject();
    const { uuid } = await checkWith(p, "");
    const before = await figures();
    await env.DB.prepare("UPDATE checks SET next_alarm = ? WHERE id = ?").bind(Date.now() - 10 * MIN, uuid).run();
    const f = await figures();
    expect(f.overdue_alarms).toBe(before.overdue_alarms + 1);
    expect(f.oldest_overdue_alarm_age).toBeGreaterThanOrEqual(600);
  });

  it("counts deliveries given up in the last 24 hours", async () => {
    const before = (await figures()).alerts_given_up_24h;
    const p = await makeProject();
    const channel = await webhookChannel(p, crypto.randomUUID());
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, created, updated)
       VALUES (?1, ?2, ?3, ?4, 'failed', 'gave up after 11 attempts: Received status code 500', 11, ?5, ?5),
              (?6, ?2, ?3, ?4, 'failed', 'Connections to private IP addresses are not allowed', 1, ?5, ?5)`,
    )
      .bind(crypto.randomUUID(), channel, crypto.randomUUID(), p.id, now, crypto.randomUUID())
      .run();
    expect((await figures()).alerts_given_up_24h).toBe(before + 1);
  });
});

describe("GET status/?full=1", () => {
  const full = (vars: Partial<Env> = {}) => fetchWithVars(vars, "/api/v3/status/?full=1");

  it("answers OK when D1 answers, nothing is unsettled for long and the sweeper ran recently", async () => {
    freezeClock();
    await sweep(env, Date.now());
    const res = await full();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });

  it("names a sweeper silent for more than 3 minutes, while plain status/ still answers OK", async () => {
    const clock = freezeClock();
    await sweep(env, Date.now());
    clock.advance(3 * MIN + 1000);
    const res = await full();
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("degraded: sweeper silent for 181 s");
    const plain = await call("/api/v3/status/");
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe("OK");
  });

  it("names an unsettled alert older than 5 minutes", async () => {
    const clock = freezeClock();
    const p = await makeProject();
    const { uuid, rec } = await checkWith(p, await webhookChannel(p, crypto.randomUUID()));
    await flipped(uuid, rec, "/fail");
    clock.advance(6 * MIN);
    // No sweep here: it would hand the alert to the real queue, which could settle it meanwhile.
    const res = await full();
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/^degraded: .*oldest unsettled alert is 36\d s old/);
  });

  it("names D1 when it does not answer", async () => {
    const down = { prepare: env.DB.prepare.bind(env.DB), batch: () => Promise.reject(new Error("D1 unavailable")) };
    const res = await full({ DB: down as unknown as D1Database });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("degraded: D1 unreachable");
  });
});
