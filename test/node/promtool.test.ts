// The metrics text passes `promtool check metrics` (Debian package `prometheus`): first the
// renderer's output for tricky labels, then a real instance's /projects/<uuid>/metrics/<ro key>.
// The only findings allowed are the two gauges whose Healthchecks names end in "_total".
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderMetrics } from "../../src/metrics/prometheus";
import { type Instance, createProject, request, startInstance, waitUntilServing } from "./instance";

const PROMTOOL = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/bin"]
  .map((dir) => path.join(dir, "promtool"))
  .find((file) => existsSync(file));

/** promtool's path; without it the tests fail (never skip), saying what to install. */
function promtool(): string {
  if (PROMTOOL === undefined) {
    throw new Error("promtool is not installed: apt-get install prometheus (Debian package; .ci/run installs it)");
  }
  return PROMTOOL;
}

/** Healthchecks' own metric names: gauges ending in "_total", which promtool's linter flags. */
const EXPECTED_FINDINGS = [
  'hc_checks_down_total non-counter metrics should not have "_total" suffix',
  'hc_checks_total non-counter metrics should not have "_total" suffix',
];

function promtoolCheck(text: string): { status: number | null; findings: string[]; output: string } {
  const r = spawnSync(promtool(), ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const findings = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .sort();
  return { status: r.status, findings, output };
}

function expectOnlyTotalFindings(text: string) {
  const { status, findings, output } = promtoolCheck(text);
  expect(findings, output).toEqual(EXPECTED_FINDINGS);
  // 3 = lint findings only; 1 would be a parse error.
  expect(status, output).toBe(3);
}

let instance: Instance | undefined;

afterAll(async () => {
  await instance?.stop();
});

describe("promtool check metrics", () => {
  it("accepts the renderer's output, escapes included", () => {
    promtool();
    const text = renderMetrics([
      { id: "a", created: 1, name: 'say "hi"\\now\nbye', tags: 'prod db we"ird\\ x\ny', unique_key: "a".repeat(40), status: "down", started: true },
      { id: "b", created: 2, name: "ok", tags: "prod", unique_key: "b".repeat(40), status: "grace", started: false },
      { id: "c", created: 3, name: "", tags: "", unique_key: "c".repeat(40), status: "paused", started: false },
      { id: "d", created: 4, name: "ünïcödé ✓", tags: "ü", unique_key: "d".repeat(40), status: "new", started: false },
    ]);
    expectOnlyTotalFindings(text);
    expectOnlyTotalFindings(renderMetrics([]));
  });

  it(
    "accepts /projects/<uuid>/metrics/<ro key> of a running instance",
    async () => {
      promtool();
      const d = await startInstance({ cron: false });
      instance = d;
      await waitUntilServing(d);
      const req = (p: string, init: RequestInit = {}) => request(d, p, init);

      const project = await createProject(d, "promtool");

      // Checks in several states, created through slug pings (always available).
      const ping = async (slug: string, suffix = "") => {
        const res = await req(`/ping/${project.ping_key}/${slug}${suffix}?create=1`);
        expect(res.status, `${slug}${suffix}: ${await res.clone().text()}`).toBeLessThan(300);
      };
      await ping("new-one", "/log");
      await ping("up-one");
      await ping("down-one", "/fail");
      await ping("running-one", "/start");

      // A tagged check with a name and a tag that need escaping, through the Management API.
      const viaApi = await req("/api/v3/checks/", {
        method: "POST",
        headers: { "X-Api-Key": project.api_key, "Content-Type": "application/json" },
        body: JSON.stringify({ name: 'say "hi"\\now', tags: 'prod we"ird\\' }),
      });
      const created = await viaApi.text();
      expect(viaApi.status, created).toBe(201);
      expect(JSON.parse(created)).toMatchObject({ name: 'say "hi"\\now', tags: 'prod we"ird\\' });

      const res = await req(`/projects/${project.id}/metrics/${project.api_key_readonly}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(text).toContain("\nhc_checks_total 5\n");
      expect(text).toContain("\nhc_checks_down_total 1\n");
      expect(text).toContain('hc_tag_up{tag="we\\"ird\\\\"} 1\n');
      expectOnlyTotalFindings(text);

      // The Bearer variant serves the same text.
      const bearer = await req(`/projects/${project.id}/metrics/`, { headers: { Authorization: `Bearer ${project.api_key_readonly}` } });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).toBe(text);
    },
    180_000,
  );
});
