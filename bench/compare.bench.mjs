#!/usr/bin/env node
// edgechecks against a baseline Worker on the same runtime, in the same run (not a test): figures on a
// noisy machine are compared as ratios. The baseline (bench/baseline/, never shipped) answers
// GET /ok with "OK" and GET /do/:id with one SQLite row written by the Durable Object named :id.
//
//   1. Throughput: ≥ 5 rounds; each round measures, with autocannon at 1 and then 50 connections,
//      baseline and edgechecks scenarios side by side (baseline, edgechecks, baseline, …), over 1,000
//      checks (and 1,000 baseline objects) or one hot one. Per round, each ping's requests/s is divided
//      by that of the baseline route measured just before it, and so is the instance's CPU time per
//      request (from /proc, barely moved by other load); reported as median and range.
//   2. Storage per check after 100 pings of 100 bytes (the object's SQLite file, logical size).
//   3. The Worker bundle, gzipped, and its startup (wrangler check startup); cold start: from the
//      runtime saying "Ready on" to the first answer of a fresh `wrangler dev`, both Workers.
//   4. Deadline → alert received with 100 and 1,000 checks due in the same second (bench:alerts,
//      scenario 1), each next to bench:floor for as many objects: our share = p99 − floor p99.
//
// node bench/compare.bench.mjs [--rounds 5] [--duration 2] [--parts throughput,storage,bundle,cold,alerts]
//   [--scenarios name,…]   (a subset of the throughput scenarios, for profiling)
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { gzipSync } from "node:zlib";
import {
  freePort,
  freezeWorker,
  groupCpuMs,
  load,
  ROOT,
  runWrangler,
  withInstance,
  withProcessGroup,
  withWrangler,
  WRANGLER,
} from "./instance.mjs";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const ROUNDS = Number(option("rounds", 5));
const DURATION_S = Number(option("duration", 2));
const PARTS = new Set(option("parts", "throughput,storage,bundle,cold,alerts").split(","));
const ONLY = option("scenarios", null)?.split(",") ?? null;
const CHECKS = 1000;
const FLIPPERS = 100; // checks 0..99 also serve the flipping scenario
const COLD_STARTS = 3;
// After each run: edgechecks' coalesced summary writes fall due within a second (counted as the
// run's cost, and settled before the next run).
const SETTLE_MS = 1200;
const BASELINE = "bench/baseline/wrangler.toml";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs) => [Math.min(...xs), Math.max(...xs)];
const fmt = (x, digits = 0) => x.toFixed(digits);
const mr = (xs, digits = 0) =>
  `${fmt(median(xs), digits)} (${range(xs)
    .map((x) => fmt(x, digits))
    .join("–")})`;

/** The CPU an idle instance uses anyway (ms per s: wrangler's and workerd's housekeeping). */
async function idleCpu(pgid) {
  const t0 = performance.now();
  const cpu0 = groupCpuMs(pgid);
  await sleep(4000);
  return (groupCpuMs(pgid) - cpu0) / ((performance.now() - t0) / 1000);
}

/**
 * One autocannon run (`seconds` long, or `amount` requests); `pathOf(i)` gives each request's path.
 * Also the instance's CPU time per request, counted until SETTLE_MS after the run (background work a
 * request leaves, such as a coalesced summary write, is its cost too), less what it uses when idle.
 */
async function measure({ base, pgid, idle }, connections, pathOf, { headers = {}, amount }) {
  let i = 0;
  const t0 = performance.now();
  const cpu0 = groupCpuMs(pgid);
  const result = await autocannon({
    url: base,
    connections,
    ...(amount === undefined ? { duration: connections === 1 ? DURATION_S : 1.5 * DURATION_S } : { amount }),
    timeout: 30,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: pathOf(i++) }) }],
  });
  await sleep(SETTLE_MS);
  const cpu = groupCpuMs(pgid) - cpu0 - (idle * (performance.now() - t0)) / 1000;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu: cpu / Math.max(1, result.requests.total),
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

// ---- 1. Throughput, interleaved rounds ---------------------------------------------------------

/**
 * One round's runs, in order; `vs` names the baseline run a ping is compared with (measured just
 * before it where possible). `after` runs unmeasured after each run (the flipping checks are brought
 * back up, so every other ping stays up→up).
 */
function scenarios(bl, ec) {
  const { uuids, slugs, pingKey, apiKey } = ec;
  const hot = uuids[CHECKS - 1]; // not one of the flipping checks
  const flipped = new Array(FLIPPERS).fill(false); // true: the last ping sent to check k was /fail
  const spread = "baseline /do, 1,000 objects";
  return [
    { name: "baseline GET /ok", at: bl, path: () => "/ok" },
    { name: spread, at: bl, path: (i) => `/do/o${i % CHECKS}`, warm: CHECKS },
    { name: "uuid ping up→up, 1,000 checks", at: ec, path: (i) => `/ping/${uuids[i % CHECKS]}`, warm: CHECKS, vs: spread },
    { name: "baseline /do, one hot object", at: bl, path: () => "/do/hot" },
    { name: "uuid ping up→up, one hot check", at: ec, path: () => `/ping/${hot}`, vs: "baseline /do, one hot object" },
    { name: "slug ping up→up, 1,000 checks", at: ec, path: (i) => `/ping/${pingKey}/${slugs[i % CHECKS]}`, warm: CHECKS, vs: spread },
    {
      name: "uuid ping that flips, 100 checks",
      at: ec,
      path: (i) => {
        const k = i % FLIPPERS;
        flipped[k] = !flipped[k];
        return `/ping/${uuids[k]}${flipped[k] ? "/fail" : ""}`;
      },
      vs: spread,
      after: async () => {
        for (let k = 0; k < FLIPPERS; k++) {
          if (!flipped[k]) continue;
          await fetch(`${ec.base}/ping/${uuids[k]}`).then((r) => r.arrayBuffer());
          flipped[k] = false;
        }
      },
    },
    {
      name: "GET /api/v3/checks/, 1,000 checks",
      at: ec,
      path: () => "/api/v3/checks/",
      headers: { "X-Api-Key": apiKey },
      amount: { 1: 15, 50: 100 },
      warm: 50,
      vs: "baseline GET /ok",
    },
  ];
}

async function setUpChecks({ base, project, pgid }) {
  const slugs = Array.from({ length: CHECKS }, (_, i) => `job-${i}`);
  const started = performance.now();
  await load("create 1,000 checks (slug ping ?create=1)", CHECKS, 20, (i) => [`${base}/ping/${project.ping_key}/${slugs[i]}?create=1`]);
  const res = await fetch(`${base}/api/v3/checks/`, { headers: { "X-Api-Key": project.api_key } });
  const bySlug = new Map((await res.json()).checks.map((c) => [c.slug, c.uuid]));
  const uuids = slugs.map((s) => bySlug.get(s));
  if (uuids.some((u) => u === undefined)) throw new Error("a check is missing");
  console.log(`setup: ${fmt((performance.now() - started) / 1000, 1)} s`);
  return { base, pgid, uuids, slugs, pingKey: project.ping_key, apiKey: project.api_key };
}

async function throughput(bl, ec) {
  const all = scenarios(bl, ec);
  const picked = ONLY === null ? all : all.filter((s) => ONLY.some((o) => s.name.includes(o)));
  const needed = new Set(picked.flatMap((s) => (s.vs === undefined ? [s.name] : [s.name, s.vs])));
  const list = all.filter((s) => needed.has(s.name));
  // Warm both Workers, every object (first calls create the baseline's) and the JIT before measuring.
  for (const s of list) {
    for (let i = 0; i < (s.warm ?? 100); i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => fetch(`${s.at.base}${s.path(i + j)}`, { headers: s.headers }).then((r) => r.arrayBuffer())),
      );
    }
    await s.after?.();
  }
  await sleep(2000);
  bl.idle = await idleCpu(bl.pgid);
  ec.idle = await idleCpu(ec.pgid);
  console.log(`idle CPU: baseline ${fmt(bl.idle)} ms/s, edgechecks ${fmt(ec.idle)} ms/s (subtracted)`);
  const runs = new Map(); // `${name}@${c}` → one { rps, p50, p99, cpu, bad } per round
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of [1, 50]) {
      for (const s of list) {
        const r = await measure(s.at, c, s.path, { headers: s.headers, amount: s.amount?.[c] });
        await s.after?.();
        const key = `${s.name}@${c}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(r);
        const vs = s.vs === undefined ? undefined : runs.get(`${s.vs}@${c}`)?.at(-1);
        console.log(
          `round ${round} c=${String(c).padStart(2)} ${s.name.padEnd(36)} ${fmt(r.rps).padStart(5)} req/s  ` +
            `p50 ${String(r.p50).padStart(5)} ms  p99 ${String(r.p99).padStart(5)} ms  CPU ${fmt(r.cpu, 2).padStart(6)} ms/req` +
            `${vs === undefined ? "" : `  ratio ${fmt(r.rps / vs.rps, 2)}, CPU ratio ${fmt(vs.cpu / r.cpu, 2)}`}` +
            `${r.bad > 0 ? `  ${r.bad} failed` : ""}`,
        );
      }
    }
  }
  return { list, runs };
}

function throughputTable({ list, runs }) {
  const lines = [];
  lines.push("| scenario | c | req/s | p50 ms | p99 ms | CPU ms/req | req/s ratio | CPU ratio |");
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const c of [1, 50]) {
    for (const s of list) {
      const rs = runs.get(`${s.name}@${c}`);
      const vs = s.vs === undefined ? undefined : runs.get(`${s.vs}@${c}`);
      const ratio = (f) =>
        vs === undefined
          ? ""
          : mr(
              rs.map((r, i) => f(r, vs[i])),
              2,
            );
      const bad = rs.reduce((n, r) => n + r.bad, 0);
      lines.push(
        `| ${s.name}${bad > 0 ? ` (${bad} failed)` : ""} | ${c} | ${mr(rs.map((r) => r.rps))} | ${mr(rs.map((r) => r.p50))} | ` +
          `${mr(rs.map((r) => r.p99))} | ${mr(
            rs.map((r) => r.cpu),
            2,
          )} | ${ratio((r, v) => r.rps / v.rps)} | ${ratio((r, v) => v.cpu / r.cpu)} |`,
      );
    }
  }
  return lines.join("\n");
}

// ---- 2. Storage per check ----------------------------------------------------------------------

/** The SQLite file of the object named `name` (miniflare records each object's name in its file). */
function objectFile(dir, name) {
  const doDir = path.join(dir, "v3", "do");
  for (const ns of readdirSync(doDir)) {
    for (const file of readdirSync(path.join(doDir, ns)).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
      const full = path.join(doDir, ns, file);
      const db = new DatabaseSync(full, { readOnly: true });
      try {
        if (db.prepare("SELECT 1 FROM __miniflare_do_name WHERE name = ?").get(name) !== undefined) return full;
      } catch {
        // not an object's database
      } finally {
        db.close();
      }
    }
  }
  return null;
}

/** Logical size (pages × page size, WAL included) and pages per table/index, without miniflare's own table. */
function sqliteSize(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { page_size } = db.prepare("PRAGMA page_size").get();
    const { page_count } = db.prepare("PRAGMA page_count").get();
    const tables = db.prepare("SELECT name, count(*) AS pages, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC").all();
    const miniflare = tables.filter((t) => t.name.startsWith("__miniflare")).reduce((n, t) => n + t.bytes, 0);
    return {
      bytes: page_count * page_size - miniflare,
      pageSize: page_size,
      tables: tables.filter((t) => !t.name.startsWith("__miniflare")),
    };
  } finally {
    db.close();
  }
}

async function storage({ base, project, dir }) {
  const headers = { "X-Api-Key": project.api_key, "Content-Type": "application/json" };
  const res = await fetch(`${base}/api/v3/checks/`, { method: "POST", headers, body: JSON.stringify({ name: "storage probe" }) });
  const check = await res.json();
  const body = "x".repeat(100);
  for (let i = 0; i < 100; i++) await fetch(check.ping_url, { method: "POST", body }).then((r) => r.arrayBuffer());
  await sleep(1500); // the coalesced summary write
  const file = objectFile(dir, check.uuid);
  if (file === null) throw new Error("the probe's object file was not found");
  const size = sqliteSize(file);
  const parts = size.tables.map((t) => `${t.name} ${t.pages}`).join(", ");
  return { ...size, line: `${fmt(size.bytes / 1024, 0)} KB (${size.bytes / size.pageSize} pages of ${size.pageSize} B: ${parts})` };
}

// ---- 3. Bundle and cold start ------------------------------------------------------------------

/** The deploy bundle's size, raw and gzipped (level 9), and the CPU its top level takes to evaluate. */
async function bundle(frozen) {
  const js = readdirSync(frozen.bundle).filter((f) => f.endsWith(".js"));
  const raw = js.reduce((n, f) => n + readFileSync(path.join(frozen.bundle, f)).length, 0);
  const gz = js.reduce((n, f) => n + gzipSync(readFileSync(path.join(frozen.bundle, f)), { level: 9 }).length, 0);
  // Startup: the CPU profile of evaluating the bundle's top level (samples that are not idle).
  const profile = path.join(frozen.bundle, "..", "startup.cpuprofile");
  await runWrangler(["check", "startup", "--outfile", profile, "-c", frozen.config]);
  const p = JSON.parse(readFileSync(profile, "utf8"));
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const busyUs = p.samples.reduce((n, s, i) => n + (idle.has(s) ? 0 : (p.timeDeltas[i] ?? 0)), 0);
  return { raw, gz, startupMs: busyUs / 1000 };
}

/**
 * One fresh `wrangler dev` of `config` on the state in `dir`: ms from its "Ready on" line (the runtime
 * listens with the Worker loaded) to the first complete answer of `first`, sent at once, and from
 * then to the answer of `second` (an object's first call: it loads from disk).
 */
async function coldStart(config, dir, first, second, args = []) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const all = ["dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", dir];
  all.push("--log-level", "info", "--inspector-port", String(await freePort()), ...args);
  const answer = async (p) => {
    for (;;) {
      const res = await fetch(`${base}${p}`).catch(() => null);
      if (res === null) {
        await sleep(5); // not listening yet
        continue;
      }
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`cold start: ${p} answered ${res.status}`);
      return performance.now();
    }
  };
  return withProcessGroup(
    WRANGLER,
    all,
    120_000,
    (child) =>
      new Promise((resolve, reject) => {
        let seen = "";
        const onData = async (d) => {
          seen += d;
          if (!seen.includes("Ready on")) return;
          child.stdout.off("data", onData);
          child.stdout.resume();
          const ready = performance.now();
          try {
            const a = await answer(first);
            const b = await answer(second);
            resolve({ worker: a - ready, object: b - a });
          } catch (err) {
            reject(err);
          }
        };
        child.stdout.on("data", onData);
        child.once("exit", () => reject(new Error(`${config}: wrangler dev exited`)));
      }),
    ["ignore", "pipe", "inherit"],
  );
}

async function coldStarts(frozen) {
  const blDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-cold-"));
  const ecDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-cold-"));
  const token = "cold-start-token";
  const ecArgs = ["--var", `ADMIN_TOKEN:${token}`];
  try {
    // The state: for edgechecks a project and one check whose object is on disk; one baseline object.
    await runWrangler(["d1", "migrations", "apply", "edgechecks", "--local", "--persist-to", ecDir, "-c", frozen.config]);
    let uuid;
    await withWrangler(
      frozen.config,
      async ({ base }) => {
        const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
        const project = await (await fetch(`${base}/admin/v1/projects`, { method: "POST", headers: auth, body: '{"name":"cold"}' })).json();
        const headers = { "X-Api-Key": project.api_key, "Content-Type": "application/json" };
        uuid = (await (await fetch(`${base}/api/v3/checks/`, { method: "POST", headers, body: '{"name":"cold"}' })).json()).uuid;
        await fetch(`${base}/ping/${uuid}`).then((r) => r.arrayBuffer());
      },
      { readyPath: "/api/v3/status/", args: ecArgs, dir: ecDir },
    );
    await withWrangler(BASELINE, async ({ base }) => void (await fetch(`${base}/do/cold`).then((r) => r.arrayBuffer())), {
      readyPath: "/ok",
      dir: blDir,
    });
    const results = { baseline: [], edgechecks: [] };
    for (let k = 0; k < COLD_STARTS; k++) {
      results.baseline.push(await coldStart(BASELINE, blDir, "/ok", "/do/cold"));
      results.edgechecks.push(await coldStart(frozen.config, ecDir, "/api/v3/status/", `/ping/${uuid}`, ecArgs));
      const show = (r) => `${fmt(r.worker)} + ${fmt(r.object)} ms`;
      console.log(`cold start ${k + 1}: baseline ${show(results.baseline[k])}, edgechecks ${show(results.edgechecks[k])}`);
    }
    return results;
  } finally {
    rmSync(blDir, { recursive: true, force: true });
    rmSync(ecDir, { recursive: true, force: true });
  }
}

// ---- 4. Deadline → alert, next to the runtime's floor -------------------------------------------

/** Runs `node bench/<script> args`, echoing its output; resolves with the output. */
function bench(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join("bench", script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}`))));
  });
}

const p99Of = (out, label) => {
  const line = out.split("\n").find((l) => l.includes(label));
  const m = line === undefined ? null : /p50 (\d+) ms.*p99 (\d+) ms/.exec(line);
  if (m === null) throw new Error(`no "${label}" figures in the output`);
  return { p50: Number(m[1]), p99: Number(m[2]) };
};

async function alerts() {
  const rows = [];
  for (const n of [100, 1000]) {
    const floor = p99Of(await bench("alarm-floor.bench.mjs", [String(n), "30"]), "empty alarm handlers ran");
    const ours = p99Of(await bench("alerts.bench.mjs", [String(n), "--deadline-only"]), "deadline (flip) → alert received");
    rows.push({ n, floor, ours, share: ours.p99 - floor.p99 });
  }
  return rows;
}

// ---- main ----------------------------------------------------------------------------------------

const started = performance.now();
const report = [];
try {
  if (PARTS.has("throughput") || PARTS.has("storage")) {
    await withWrangler(
      BASELINE,
      (bl) =>
        withInstance(async (instance) => {
          if (PARTS.has("throughput")) {
            const ec = await setUpChecks(instance);
            const t = await throughput(bl, ec);
            if ([...t.runs.values()].flat().some((r) => r.bad > 0)) process.exitCode = 1;
            report.push(
              `Throughput: ${ROUNDS} rounds, runs of ${DURATION_S} s at c=1 and ${1.5 * DURATION_S} s at c=50 (the list: 15 and 100 requests); ` +
                "median (range) over the rounds; ratios per round against the baseline run named in `vs`\n",
              throughputTable(t),
              "",
            );
          }
          if (PARTS.has("storage")) report.push(`Storage per check after 100 pings of 100 bytes: ${(await storage(instance)).line}`);
        }, 30 * 60_000),
      { budgetMs: 30 * 60_000, readyPath: "/ok" },
    );
  }
  if (PARTS.has("bundle") || PARTS.has("cold")) {
    const build = mkdtempSync(path.join(os.tmpdir(), "edgechecks-build-"));
    try {
      const frozen = await freezeWorker(build);
      if (PARTS.has("bundle")) {
        const b = await bundle(frozen);
        report.push(
          `Worker bundle: ${fmt(b.raw / 1024)} KiB, ${fmt(b.gz / 1024)} KiB gzipped; its top level evaluates in ${fmt(b.startupMs)} ms CPU (wrangler check startup)`,
        );
      }
      if (PARTS.has("cold")) {
        const c = await coldStarts(frozen);
        const line = (xs) =>
          `first answer ${mr(xs.map((x) => x.worker))} ms, then an object's first call ${mr(xs.map((x) => x.object))} ms`;
        report.push(
          `Cold start ("Ready on" → first answer, ${COLD_STARTS} fresh starts), baseline (GET /ok, GET /do/:id): ${line(c.baseline)}`,
        );
        report.push(`Cold start, edgechecks (GET /api/v3/status/, a uuid ping): ${line(c.edgechecks)}`);
      }
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  }
  if (PARTS.has("alerts")) {
    const rows = await alerts();
    report.push(
      "",
      "| checks due in the same second | floor p99 | deadline → alert p50 | p99 | our share (p99 − floor p99) |",
      "|---|---|---|---|---|",
    );
    for (const r of rows) report.push(`| ${r.n} | ${r.floor.p99} ms | ${r.ours.p50} ms | ${r.ours.p99} ms | ${r.share} ms |`);
  }
} finally {
  // What was measured, also when a later part failed.
  console.log(`\n${report.join("\n")}\n\ntotal ${fmt((performance.now() - started) / 1000)} s`);
}
