// The metrics text passes `promtool check metrics` (Debian package `prometheus`): first the
// renderer's output for tricky labels, then a real instance's /projects/<uuid>/metrics/<ro key>.
// The only findings allowed are the two gauges whose Healthchecks names end in "_total".
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderMetrics } from "../../src/metrics/prometheus";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ADMIN_TOKEN = "promtool-t0ken";
const READY_TIMEOUT_MS = 90_000;

const PROMTOOL = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/bin"]
  .map((dir) => path.join(dir, "promtool"))
  .find((file) => existsSync(file));
const SKIP_NOTE = PROMTOOL ? "" : " (skipped: promtool is not installed; apt-get install prometheus)";
if (!PROMTOOL) console.warn(`promtool.test.ts:${SKIP_NOTE}`);

/** Healthchecks' own metric names: gauges ending in "_total", which promtool's linter flags. */
const EXPECTED_FINDINGS = [
  'hc_checks_down_total non-counter metrics should not have "_total" suffix',
  'hc_checks_total non-counter metrics should not have "_total" suffix',
];

function promtoolCheck(text: string): { status: number | null; findings: string[]; output: string } {
  const r = spawnSync(PROMTOOL!, ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
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

// ---- a real instance (scripts/start.mjs), as in start.test.ts ----------------------------

let driver: { child: ChildProcess; pid: number; port: number; log: () => string; exited: () => boolean } | null = null;
const persistDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-promtool-"));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(): Promise<NonNullable<typeof driver>> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = ["scripts/start.mjs", "--port", String(port), "--persist-to", persistDir, "--inspector-port", String(inspectorPort)];
  args.push("--var", `ADMIN_TOKEN:${ADMIN_TOKEN}`, "--no-cron");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  let log = "";
  let done = false;
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", () => (done = true));
  if (child.pid === undefined) throw new Error("could not spawn scripts/start.mjs");
  driver = { child, pid: child.pid, port, log: () => log, exited: () => done };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (done) throw new Error(`scripts/start.mjs exited before serving:\n${log}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
      return driver;
    } catch {
      if (Date.now() > deadline) throw new Error(`not serving after ${READY_TIMEOUT_MS} ms:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function groupAlive(pgid: number): boolean {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") return true;
    } catch {
      // ended while we looked
    }
  }
  return false;
}

afterAll(async () => {
  if (driver !== null && groupAlive(driver.pid)) {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      // already gone
    }
    const deadline = Date.now() + 20_000;
    while (groupAlive(driver.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (groupAlive(driver.pid)) process.kill(-driver.pid, "SIGKILL");
  }
  rmSync(persistDir, { recursive: true, force: true });
}, 30_000);

describe("promtool check metrics", () => {
  it.skipIf(!PROMTOOL)(`accepts the renderer's output, escapes included${SKIP_NOTE}`, () => {
    const text = renderMetrics([
      { id: "a", created: 1, name: 'say "hi"\\now\nbye', tags: 'prod db we"ird\\ x\ny', unique_key: "a".repeat(40), status: "down", started: true },
      { id: "b", created: 2, name: "ok", tags: "prod", unique_key: "b".repeat(40), status: "grace", started: false },
      { id: "c", created: 3, name: "", tags: "", unique_key: "c".repeat(40), status: "paused", started: false },
      { id: "d", created: 4, name: "ünïcödé ✓", tags: "ü", unique_key: "d".repeat(40), status: "new", started: false },
    ]);
    expectOnlyTotalFindings(text);
    expectOnlyTotalFindings(renderMetrics([]));
  });

  it.skipIf(!PROMTOOL)(
    `accepts /projects/<uuid>/metrics/<ro key> of a running instance${SKIP_NOTE}`,
    async () => {
      const d = await start();
      const base = `http://127.0.0.1:${d.port}`;
      const req = (p: string, init: RequestInit = {}) => fetch(`${base}${p}`, { ...init, signal: AbortSignal.timeout(15_000) });

      const created = await req("/admin/v1/projects", {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "promtool" }),
      });
      expect(created.status, d.log()).toBe(201);
      const project = (await created.json()) as { id: string; api_key: string; api_key_readonly: string; ping_key: string };

      // Checks in several states, created through slug pings (always available).
      const ping = async (slug: string, suffix = "") => {
        const res = await req(`/ping/${project.ping_key}/${slug}${suffix}?create=1`);
        expect(res.status, `${slug}${suffix}: ${await res.clone().text()}`).toBeLessThan(300);
      };
      await ping("new-one", "/log");
      await ping("up-one");
      await ping("down-one", "/fail");
      await ping("running-one", "/start");
      let total = 4;

      // A tagged check with a name that needs escaping, through the Management API when it is mounted.
      const viaApi = await req("/api/v3/checks/", {
        method: "POST",
        headers: { "X-Api-Key": project.api_key, "Content-Type": "application/json" },
        body: JSON.stringify({ name: 'say "hi"\\now', tags: 'prod we"ird\\' }),
      });
      if (viaApi.status === 201) total++;

      const res = await req(`/projects/${project.id}/metrics/${project.api_key_readonly}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(text).toContain(`\nhc_checks_total ${total}\n`);
      expect(text).toContain("\nhc_checks_down_total 1\n");
      if (viaApi.status === 201) expect(text).toContain('hc_tag_up{tag="we\\"ird\\\\"} 1\n');
      expectOnlyTotalFindings(text);

      // The Bearer variant serves the same text.
      const bearer = await req(`/projects/${project.id}/metrics/`, { headers: { Authorization: `Bearer ${project.api_key_readonly}` } });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).toBe(text);
    },
    180_000,
  );
});
