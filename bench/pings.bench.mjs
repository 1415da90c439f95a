#!/usr/bin/env node
// Ping-path benchmark against a real local instance (`npm start` on a throwaway state folder).
// Loopback only, bounded in requests and time. Prints throughput and latency per scenario, and
// ratios against the plain up→up ping that waits for nothing but its Durable Object.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-admin-token";
const DEADLINE_MS = 10 * 60_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(base, child) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error("the instance exited during startup");
    try {
      if ((await fetch(`${base}/api/v3/status/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the instance did not start within 120 s");
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Runs `total` requests from `concurrency` workers; `next(i)` gives the i-th request. */
async function load(name, total, concurrency, next) {
  const latencies = [];
  let errors = 0;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < total) {
        const [url, init] = next(i++);
        const t = performance.now();
        const res = await fetch(url, init).catch(() => null);
        if (res === null || res.status >= 500 || res.status === 429) errors++;
        await res?.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const r = {
    name,
    total,
    concurrency,
    rps: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
  console.log(
    `${name.padEnd(46)} ${String(total).padStart(5)} req  c=${String(concurrency).padStart(3)}  ` +
      `${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  errors ${errors}`,
  );
  return r;
}

async function main() {
  const port = await freePort();
  const inspector = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-bench-"));
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ["scripts/start.mjs", "--port", String(port), "--persist-to", dir, "--no-cron", "--inspector-port", String(inspector), "--var", `ADMIN_TOKEN:${TOKEN}`, "--var", "PING_RATE_LIMIT:100000000", "--log-level", "warn"],
    { cwd: ROOT, detached: true, stdio: ["ignore", "ignore", "inherit"] },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const watchdog = setTimeout(() => {
    console.error("benchmark exceeded its time budget");
    stop();
    process.exit(1);
  }, DEADLINE_MS);
  try {
    await waitUntilUp(base, child);
    const res = await fetch(`${base}/admin/v1/projects`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "bench" }),
    });
    const project = await res.json();
    // Checks are created (and their objects' SQLite files made) before measuring.
    const slugs = Array.from({ length: 100 }, (_, i) => `job-${i}`);
    for (const slug of slugs) await fetch(`${base}/ping/${project.ping_key}/${slug}?create=1`);
    const hot = `${base}/ping/${project.ping_key}/job-0`;
    // The Management API is not there yet: read job-0's uuid from the local D1 file.
    const rows = JSON.parse(
      execFileSync(
        "npx",
        ["wrangler", "d1", "execute", "edgechecks", "--local", "--persist-to", dir, "-c", "wrangler.toml", "--json", "--command", "SELECT id FROM checks WHERE slug = 'job-0'"],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
      ),
    );
    const uuid = rows[0].results[0].id;
    await load("warm-up", 500, 20, () => [hot]);

    const results = [];
    results.push(await load("uuid ping, one check, up→up (DO only)", 3000, 50, () => [`${base}/ping/${uuid}`]));
    results.push(await load("slug ping, one check, up→up (D1 read + DO)", 3000, 50, () => [hot]));
    results.push(await load("slug ping, 100 checks, up→up", 3000, 50, (i) => [`${base}/ping/${project.ping_key}/${slugs[i % 100]}`]));
    results.push(
      await load("slug ping, 50 checks, every ping flips (+ D1 mirror)", 3000, 50, (i) => [
        `${base}/ping/${project.ping_key}/${slugs[i % 50]}${Math.floor(i / 50) % 2 === 0 ? "/fail" : ""}`,
      ]),
    );
    results.push(await load("status endpoint (Worker only)", 3000, 50, () => [`${base}/api/v3/status/`]));

    const [byUuid, bySlug, spread, flipping, workerOnly] = results;
    console.log("");
    console.log(`ratio slug / uuid ping throughput:             ${(bySlug.rps / byUuid.rps).toFixed(2)}`);
    console.log(`ratio flipping / up→up slug ping throughput:   ${(flipping.rps / bySlug.rps).toFixed(2)}`);
    console.log(`ratio 100 checks / one check throughput:       ${(spread.rps / bySlug.rps).toFixed(2)}`);
    console.log(`ratio uuid ping / Worker-only throughput:      ${(byUuid.rps / workerOnly.rps).toFixed(2)}`);
    if (results.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    stop();
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
