// Shared by the benchmarks: a throwaway local instance (the Worker frozen as deployed, under
// `wrangler dev` on a temporary state folder), other Workers, and a bounded load generator. Loopback only.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
const TOKEN = "bench-admin-token";

const given = new Set();
const tryPort = (port) =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.on("error", () => resolve(null));
    srv.listen(port, "127.0.0.1", () => {
      const { port: bound } = srv.address();
      srv.close(() => resolve(bound));
    });
  });

/**
 * A port free on loopback: any (the system's choice), or one of BENCH_PORTS (e.g. "8900-8999") when
 * set. Never the same port twice in one process, so ports taken one after another before their
 * servers bind do not collide.
 */
export async function freePort() {
  const range = /^(\d+)-(\d+)$/.exec(process.env.BENCH_PORTS ?? "");
  const take = (port) => {
    given.add(port);
    return port;
  };
  if (range === null) {
    for (;;) {
      const port = await tryPort(0);
      if (port === null) throw new Error("no free port");
      if (!given.has(port)) return take(port);
    }
  }
  const [lo, hi] = [Number(range[1]), Number(range[2])];
  const start = Math.floor(Math.random() * (hi - lo + 1));
  for (let k = 0; k <= hi - lo; k++) {
    const candidate = lo + ((start + k) % (hi - lo + 1));
    if (!given.has(candidate) && (await tryPort(candidate)) !== null) return take(candidate);
  }
  throw new Error(`no free port in BENCH_PORTS=${process.env.BENCH_PORTS}`);
}

async function waitUntilUp(url, child) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error("the instance exited during startup");
    try {
      if ((await fetch(url)).ok) return;
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
export async function withProcessGroup(command, args, budgetMs, fn, stdio = ["ignore", "ignore", "inherit"]) {
  // Offline: wrangler would otherwise fetch request.cf data from the network.
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false" };
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio, env });
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

/** Runs wrangler with `args` (from the repository root); resolves with its output, rejects on failure. */
export function runWrangler(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler ${args[0]} exited ${code}: ${out.slice(-2000)}`))));
  });
}

/**
 * Freezes the Worker into `dir`: the deploy bundle (`wrangler deploy --dry-run`), a copy of the built
 * UI, and a copy of wrangler.toml that runs them unbundled. Others edit this checkout while benchmarks
 * run; an instance of the frozen copy is not reloaded mid-measurement by their edits, and it runs
 * exactly the code that would be deployed. Returns the config's path and the bundle's folder.
 */
export async function freezeWorker(dir) {
  const bundle = path.join(dir, "bundle");
  await runWrangler(["deploy", "--dry-run", "--outdir", bundle, "-c", "wrangler.toml"]);
  const assets = path.join(dir, "assets");
  const built = path.join(ROOT, "ui", "dist");
  if (existsSync(path.join(built, "index.html"))) {
    cpSync(built, assets, { recursive: true });
  } else {
    // No UI built: the benchmarks do not need it, the [assets] binding only needs a folder.
    mkdirSync(assets);
    writeFileSync(path.join(assets, "index.html"), "<!doctype html><title>edgechecks</title>");
  }
  const edits = [
    [/^main = .*$/m, `main = "bundle/index.js"\nno_bundle = true`],
    [/^directory = "ui\/dist"$/m, `directory = "assets"`],
    [/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(path.join(ROOT, "migrations"))}`],
  ];
  let toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  for (const [pattern, replacement] of edits) {
    if (!pattern.test(toml)) throw new Error(`wrangler.toml: no line matches ${pattern}`);
    toml = toml.replace(pattern, replacement);
  }
  const config = path.join(dir, "wrangler.toml");
  writeFileSync(config, toml);
  return { config, bundle };
}

/**
 * Starts an instance of the frozen Worker (freezeWorker) with its ping rate limit lifted, creates a
 * project, runs `fn({ base, project, dir, pgid })`, and stops everything afterwards (also when `fn`
 * fails or the time budget runs out). `extraArgs` go to `wrangler dev` after the defaults (e.g.
 * `["--var", "INTEGRATIONS_ALLOW_PRIVATE_IPS:true"]`).
 */
export async function withInstance(fn, budgetMs = 10 * 60_000, extraArgs = []) {
  const port = await freePort();
  const inspector = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-bench-"));
  const frozen = mkdtempSync(path.join(os.tmpdir(), "edgechecks-build-"));
  const base = `http://127.0.0.1:${port}`;
  try {
    const { config } = await freezeWorker(frozen);
    await runWrangler(["d1", "migrations", "apply", "edgechecks", "--local", "--persist-to", dir, "-c", config]);
    const args = ["dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir, "--inspector-port", String(inspector)];
    args.push("--var", `ADMIN_TOKEN:${TOKEN}`, "--var", "PING_RATE_LIMIT:100000000", "--log-level", "warn");
    args.push(...extraArgs);
    return await withProcessGroup(WRANGLER, args, budgetMs, async (child) => {
      await waitUntilUp(`${base}/api/v3/status/`, child);
      const res = await fetch(`${base}/admin/v1/projects`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "bench" }),
      });
      return fn({ base, project: await res.json(), dir, pgid: child.pid });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(frozen, { recursive: true, force: true });
  }
}

/**
 * Runs another Worker (`wrangler dev -c config`, e.g. bench/baseline/wrangler.toml) on loopback with a
 * temporary state folder (or `dir`, kept) until `readyPath` answers, runs `fn({ base, dir, pgid })`, then stops it.
 */
export async function withWrangler(config, fn, { budgetMs = 10 * 60_000, readyPath = "/", args = [], dir: given } = {}) {
  const port = await freePort();
  const dir = given ?? mkdtempSync(path.join(os.tmpdir(), "edgechecks-bench-"));
  const base = `http://127.0.0.1:${port}`;
  const all = ["dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir];
  all.push("--log-level", "warn", "--inspector-port", String(await freePort()), ...args);
  try {
    return await withProcessGroup(WRANGLER, all, budgetMs, async (child) => {
      await waitUntilUp(`${base}${readyPath}`, child);
      return fn({ base, dir, pgid: child.pid });
    });
  } finally {
    if (given === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU time (ms, user + system) used so far by the live processes of process group `pgid` (an
 * instance: wrangler, workerd and their helpers); Linux /proc. Unlike wall time, it barely moves
 * when other work shares the machine.
 */
export function groupCpuMs(pgid) {
  let ticks = 0;
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      // Fields after the parenthesised command: state ppid pgrp ... utime (14th) stime (15th).
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
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

