// GET /projects/<uuid>/metrics/<ro key> and its variants, served from the D1 summaries.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderMetrics } from "../../src/metrics/prometheus";
import { metricsRoutes } from "../../src/metrics/routes";
import { call, makeCheck, makeProject, patchState, type TestProject } from "./helpers";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(metricsRoutes.request(path, { headers }, env));
}

const metricsPath = (p: TestProject, key = p.api_key_readonly) => `/projects/${p.id}/metrics/${key}`;

async function setCreated(id: string, created: number) {
  await env.DB.prepare("UPDATE checks SET created = ? WHERE id = ?").bind(created, id).run();
}

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ error });
}

/** A project with one check in each state, created in a known order. */
async function mixedProject() {
  const p = await makeProject("metrics");
  const up = await makeCheck({ name: "backup", tags: "prod db" }, p);
  const grace = await makeCheck({ name: "late one", tags: "prod", timeout: 3600, grace: 600 }, p);
  const down = await makeCheck({ name: 'say "hi"\\now', tags: "db", timeout: 3600, grace: 600 }, p);
  const paused = await makeCheck({ name: "two\nlines", tags: 'we"ird\\' }, p);
  const started = await makeCheck({ name: "running", tags: "batch" }, p);
  const fresh = await makeCheck({ name: "", tags: "" }, p);

  await call(`/ping/${up.id}`);
  await call(`/ping/${grace.id}`);
  const past = Date.now() - 3700_000;
  await patchState(grace.id, { last_ping: past });
  await env.DB.prepare("UPDATE checks SET last_ping = ? WHERE id = ?").bind(past, grace.id).run();
  await call(`/ping/${down.id}/fail`);
  await call(`/ping/${paused.id}`);
  await paused.stub.pause();
  await call(`/ping/${started.id}/start`);

  // Created out of list order on purpose: the output follows `created`.
  const base = Date.now() - 86_400_000;
  const order = [fresh, down, up, started, grace, paused];
  for (const [i, c] of order.entries()) await setCreated(c.id, base + i);
  return { p, up, grace, down, paused, started, fresh, order };
}

describe("metrics output", () => {
  it("lists every state and tag, line by line", async () => {
    const m = await mixedProject();
    const res = await get(metricsPath(m.p));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(CONTENT_TYPE);
    const text = await res.text();

    const lbl = (name: string, tags: string, c: { row: { unique_key: string } }) =>
      `{name="${name}", tags="${tags}", unique_key="${c.row.unique_key}"}`;
    const L = [
      lbl("", "", m.fresh),
      lbl('say \\"hi\\"\\\\now', "db", m.down),
      lbl("backup", "prod db", m.up),
      lbl("running", "batch", m.started),
      lbl("late one", "prod", m.grace),
      lbl("two\\nlines", 'we\\"ird\\\\', m.paused),
    ];
    const rows = (metric: string, values: number[]) => values.map((v, i) => `${metric}${L[i]} ${v}`);
    const expected = [
      "# HELP hc_check_up Whether the check is currently up (1 for yes, 0 for no).",
      "# TYPE hc_check_up gauge",
      ...rows("hc_check_up", [1, 0, 1, 1, 1, 1]),
      "",
      "# HELP hc_check_started Whether the check is currently started (1 for yes, 0 for no).",
      "# TYPE hc_check_started gauge",
      ...rows("hc_check_started", [0, 0, 0, 1, 0, 0]),
      "",
      "# HELP hc_check_grace Whether the check is currently in the grace period (1 for yes, 0 for no).",
      "# TYPE hc_check_grace gauge",
      ...rows("hc_check_grace", [0, 0, 0, 0, 1, 0]),
      "",
      "# HELP hc_check_paused Whether the check is currently paused (1 for yes, 0 for no).",
      "# TYPE hc_check_paused gauge",
      ...rows("hc_check_paused", [0, 0, 0, 0, 0, 1]),
      "",
      "# HELP hc_tag_up Whether all checks with this tag are up (1 for yes, 0 for no).",
      "# TYPE hc_tag_up gauge",
      'hc_tag_up{tag="batch"} 1',
      'hc_tag_up{tag="db"} 0',
      'hc_tag_up{tag="prod"} 1',
      'hc_tag_up{tag="we\\"ird\\\\"} 1',
      "",
      "# HELP hc_checks_total The total number of checks.",
      "# TYPE hc_checks_total gauge",
      "hc_checks_total 6",
      "",
      "# HELP hc_checks_down_total The number of checks currently down.",
      "# TYPE hc_checks_down_total gauge",
      "hc_checks_down_total 1",
      "",
    ];
    expect(text.split("\n")).toEqual(expected);
  });

  it("is the same text on the legacy path and with a Bearer token", async () => {
    const m = await mixedProject();
    const a = await (await get(metricsPath(m.p))).text();
    const legacy = await get(`/projects/${m.p.id}/checks/metrics/${m.p.api_key_readonly}`);
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get("Content-Type")).toBe(CONTENT_TYPE);
    expect(await legacy.text()).toBe(a);
    const bearer = await get(`/projects/${m.p.id}/metrics/`, { Authorization: `Bearer ${m.p.api_key_readonly}` });
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get("Content-Type")).toBe(CONTENT_TYPE);
    expect(await bearer.text()).toBe(a);
  });

  it("leaves out checks being removed and shows an overrun run as down", async () => {
    const p = await makeProject();
    const kept = await makeCheck({ name: "kept", grace: 60 }, p);
    const gone = await makeCheck({ name: "gone" }, p);
    await env.DB.prepare("UPDATE checks SET deleted_at = ? WHERE id = ?").bind(Date.now(), gone.id).run();
    await call(`/ping/${kept.id}/start`);
    const overrun = Date.now() - 120_000;
    await patchState(kept.id, { last_start: overrun });
    await env.DB.prepare("UPDATE checks SET last_start = ? WHERE id = ?").bind(overrun, kept.id).run();

    const text = await (await get(metricsPath(p))).text();
    expect(text).not.toContain("gone");
    expect(text).toContain(`hc_check_up{name="kept", tags="", unique_key="${kept.row.unique_key}"} 0\n`);
    expect(text).toContain(`hc_check_started{name="kept", tags="", unique_key="${kept.row.unique_key}"} 1\n`);
    expect(text).toContain("\nhc_checks_total 1\n");
    expect(text).toContain("\nhc_checks_down_total 1\n");
  });

  it("serves an empty project", async () => {
    const p = await makeProject();
    const res = await get(metricsPath(p));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(renderMetrics([]));
  });
});

describe("metrics auth", () => {
  it("refuses the read-write key on every route", async () => {
    const p = await makeProject();
    await expectError(await get(metricsPath(p, p.api_key)), 403, "read-only api key required");
    await expectError(await get(`/projects/${p.id}/checks/metrics/${p.api_key}`), 403, "read-only api key required");
    await expectError(await get(`/projects/${p.id}/metrics/`, { Authorization: `Bearer ${p.api_key}` }), 403, "read-only api key required");
  });

  it("answers 400 for a key that is not 32 characters long", async () => {
    const p = await makeProject();
    await expectError(await get(metricsPath(p, p.api_key_readonly.slice(0, 31))), 400, "wrong api key length");
    await expectError(await get(metricsPath(p, `${p.api_key_readonly}x`)), 400, "wrong api key length");
    await expectError(await get(`/projects/${p.id}/checks/metrics/short`), 400, "wrong api key length");
    await expectError(await get(`/projects/${p.id}/metrics/`, { Authorization: "Bearer short" }), 400, "wrong api key length");
  });

  it("answers 403 for an unknown key", async () => {
    const p = await makeProject();
    const unknown = `hcr_${"x".repeat(28)}`;
    await expectError(await get(metricsPath(p, unknown)), 403, "wrong api key");
    await expectError(await get(`/projects/${p.id}/metrics/`, { Authorization: `Bearer ${unknown}` }), 403, "wrong api key");
    // Same prefix as the real key, different digest.
    const near = `${p.api_key_readonly.slice(0, 31)}${p.api_key_readonly.endsWith("A") ? "B" : "A"}`;
    await expectError(await get(metricsPath(p, near)), 403, "wrong api key");
  });

  it("answers 401 on the Bearer route without a Bearer header", async () => {
    const p = await makeProject();
    await expectError(await get(`/projects/${p.id}/metrics/`), 401, "missing bearer token");
    await expectError(await get(`/projects/${p.id}/metrics/`, { Authorization: p.api_key_readonly }), 401, "missing bearer token");
    await expectError(
      await get(`/projects/${p.id}/metrics/`, { Authorization: `Basic ${p.api_key_readonly}` }),
      401,
      "missing bearer token",
    );
    await expectError(
      await get(`/projects/${p.id}/metrics/`, { Authorization: `bearer ${p.api_key_readonly}` }),
      401,
      "missing bearer token",
    );
    // Header values lose trailing spaces in transit, so "Bearer " arrives as "Bearer".
    await expectError(await get(`/projects/${p.id}/metrics/`, { Authorization: "Bearer " }), 401, "missing bearer token");
  });

  it("answers 404 for a malformed project uuid", async () => {
    const p = await makeProject();
    await expectError(await get(`/projects/not-a-uuid/metrics/${p.api_key_readonly}`), 404, "not found");
    await expectError(await get(`/projects/${p.id.toUpperCase()}/metrics/${p.api_key_readonly}`), 404, "not found");
  });

  it("stops answering once the key is rotated or the project deleted", async () => {
    const p = await makeProject();
    expect((await get(metricsPath(p))).status).toBe(200);
    await env.DB.prepare("UPDATE projects SET deleted_at = ? WHERE id = ?").bind(Date.now(), p.id).run();
    await expectError(await get(metricsPath(p)), 403, "wrong api key");
  });
});

describe("metrics tenancy", () => {
  it("needs the URL's project to be the key's project", async () => {
    const a = await makeProject("a");
    const b = await makeProject("b");
    const ca = await makeCheck({ name: "secret-a", tags: "only-a" }, a);
    const cb = await makeCheck({ name: "visible-b" }, b);

    // A's uuid with B's read-only key, on every route.
    await expectError(await get(`/projects/${a.id}/metrics/${b.api_key_readonly}`), 403, "wrong api key");
    await expectError(await get(`/projects/${a.id}/checks/metrics/${b.api_key_readonly}`), 403, "wrong api key");
    await expectError(await get(`/projects/${a.id}/metrics/`, { Authorization: `Bearer ${b.api_key_readonly}` }), 403, "wrong api key");
    // …and with B's read-write key, and an unknown project uuid with A's key.
    await expectError(await get(`/projects/${a.id}/metrics/${b.api_key}`), 403, "wrong api key");
    await expectError(await get(`/projects/${crypto.randomUUID()}/metrics/${a.api_key_readonly}`), 403, "wrong api key");

    // B's key on B's project shows B's checks only.
    const textB = await (await get(metricsPath(b))).text();
    expect(textB).toContain(cb.row.unique_key);
    expect(textB).not.toContain(ca.row.unique_key);
    expect(textB).not.toContain("secret-a");
    expect(textB).not.toContain("only-a");
    expect(textB).toContain("\nhc_checks_total 1\n");

    const textA = await (await get(metricsPath(a))).text();
    expect(textA).toContain(ca.row.unique_key);
    expect(textA).not.toContain(cb.row.unique_key);
  });
});
