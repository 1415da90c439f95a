// Shared by the benchmarks: a throwaway local instance (`npm start` on a temporary state folder)
// and a bounded load generator. Loopback only.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-admin-token";

export function freePort() {
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

/**
 * Runs `command args` (from the repository root) in its own process group for `fn(child)`, then ends
 * the whole group, also when `fn` fails or the time budget runs out.
 */
export async function withProcessGroup(command, args, budgetMs, fn) {
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ["ignore", "ignore", "inherit"] });
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
  }, budgetMs);
  try {
    return await fn(child);
  } finally {
    clearTimeout(watchdog);
    stop();
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
  }
}

/**
 * Starts an instance with its ping rate limit lifted, creates a project, runs `fn({ base, project, dir })`,
 * and stops everything afterwards (also when `fn` fails or the time budget runs out). `extraArgs` go to
 * `npm start` after the defaults (e.g. `["--var", "INTEGRATIONS_ALLOW_PRIVATE_IPS:true"]`).
 */
export async function withInstance(fn, budgetMs = 10 * 60_000, extraArgs = []) {
  const port = await freePort();
  const inspector = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-bench-"));
  const base = `http://127.0.0.1:${port}`;
  const args = ["scripts/start.mjs", "--port", String(port), "--persist-to", dir, "--no-cron", "--inspector-port", String(inspector)];
  args.push("--var", `ADMIN_TOKEN:${TOKEN}`, "--var", "PING_RATE_LIMIT:100000000", "--log-level", "warn");
  args.push(...extraArgs);
  try {
    return await withProcessGroup(process.execPath, args, budgetMs, async (child) => {
      await waitUntilUp(base, child);
      const res = await fetch(`${base}/admin/v1/projects`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "bench" }),
      });
      return fn({ base, project: await res.json(), dir });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export /** Runs `total` requests from `concurrency` workers; `next(i)` gives the i-th request. */
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

