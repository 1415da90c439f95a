#!/usr/bin/env node
// Alert latency benchmark (not a test). 1,000 checks (or `node bench/alerts.bench.mjs N`) share one
// webhook channel pointing at a local receiver. Two scenarios (`--deadline-only`: the first alone):
//   1. Deadline: every check has the cron schedule "* * * * *" with 1 min grace and was pinged in the
//      same minute, so all of them go down at the same instant, each by its own Durable Object alarm.
//      Measured per check from that instant (the flip) to the alert's arrival; the D1 log then says
//      where the time went (flip → snapshot stored → claimed by the consumer → received → recorded).
//   2. Fail pings: every check is sent a /fail ping, 50 at a time; measured from the ping being sent.
// Goal: p99 under 1 s locally (Healthchecks polls every 2 s and sends serially).
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { freePort, percentile, ROOT, withInstance } from "./instance.mjs";

const argv = process.argv.slice(2);
const CHECKS = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1000);
// Scenario 1 alone (bench/compare.bench.mjs runs it next to bench:floor).
const DEADLINE_ONLY = argv.includes("--deadline-only");
const CONCURRENCY = 50;
const GRACE_S = 60;
const WAIT_MS = 120_000;
// After the last alert, keep listening this long so late duplicates are counted too.
const SETTLE_MS = 3_000;

/** A webhook receiver on loopback: first receipt time (epoch ms) per check code, and every repeat. */
async function startReceiver() {
  let first = new Map();
  let duplicates = 0;
  let unexpected = 0;
  let armed = false; // receipts outside a measured part are counted as unexpected
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const code = new URL(req.url, "http://x").searchParams.get("code");
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
    if (!armed || code === null) unexpected++;
    else if (first.has(code)) duplicates++;
    else first.set(code, at);
  });
  server.keepAliveTimeout = 30_000;
  const port = await freePort();
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        get first() {
          return first;
        },
        arm: () => {
          first = new Map();
          armed = true;
        },
        disarm: () => (armed = false),
        counts: () => ({ duplicates, unexpected }),
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const dist = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${fmt(percentile(s, 50))}, p90 ${fmt(percentile(s, 90))}, p99 ${fmt(percentile(s, 99))}, max ${fmt(s.at(-1))}`;
};

// `wrangler dev` reloads the Worker when files in the tree change (503 "Your worker restarted
// mid-request", or a dropped connection). Every request below is safe to repeat (creates are
// `unique` by name, a repeated ping finds the check already in that state), so those are retried and counted.
let retries = 0;
async function send(url, init) {
  for (let attempt = 1; ; attempt++) {
    let res = null;
    let failure;
    try {
      res = await fetch(url, init);
      const body = await res.text();
      if (res.status < 500) return { status: res.status, body };
      failure = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      failure = err.message;
    }
    if (attempt === 3) return { status: res?.status ?? 0, body: failure };
    retries++;
    console.error(`retrying ${init?.method ?? "GET"} ${url}: ${failure}`);
    await sleep(1000);
  }
}

/** Runs `fn(i)` for i in [0, n) from `workers` concurrent loops; returns how many returned false. */
async function pool(n, workers, fn) {
  let next = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) if ((await fn(next++)) === false) errors++;
    }),
  );
  return errors;
}

/** Reads the local D1 database of the running instance (wrangler d1 execute --local). */
function queryD1(dir, sql) {
  return new Promise((resolve, reject) => {
    const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
    const args = ["d1", "execute", "edgechecks", "--local", "--persist-to", dir, "--json", "--command", sql];
    const child = spawn(wrangler, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`wrangler d1 execute exited ${code}`));
      resolve(JSON.parse(out)[0].results);
    });
  });
}

/** Waits until every check has alerted (or WAIT_MS after `from`), then SETTLE_MS more for duplicates. */
async function collect(receiver, from) {
  while (receiver.first.size < CHECKS && Date.now() < from + WAIT_MS) await sleep(50);
  const complete = receiver.first.size >= CHECKS;
  await sleep(SETTLE_MS);
  receiver.disarm();
  return complete;
}

function report(receiver, origin, label, expected) {
  const latencies = [];
  let last = 0;
  for (const [code, at] of receiver.first) {
    const t = origin.get(code);
    if (t === undefined) continue;
    latencies.push(at - t);
    last = Math.max(last, at);
  }
  const missing = expected.filter((code) => !receiver.first.has(code)).length;
  if (expected.length > 0) console.log(`  alerts received: ${receiver.first.size}/${CHECKS}, missing ${missing}`);
  if (latencies.length > 0) console.log(`  ${label} → alert received: ${dist(latencies)}`);
  return { missing, last };
}

const receiver = await startReceiver();
let failed = false;
try {
  await withInstance(
    async ({ base, project, dir }) => {
      const headers = { "X-Api-Key": project.api_key, "Content-Type": "application/json" };
      const chRes = await fetch(`${base}/api/v3/channels/`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          name: "bench receiver",
          kind: "webhook",
          value: {
            method_down: "POST",
            url_down: `http://127.0.0.1:${receiver.port}/hook?code=$CODE`,
            body_down: "$NAME is $STATUS",
            method_up: "GET",
            url_up: "",
          },
        }),
      });
      if (chRes.status !== 201) throw new Error(`channel create: ${chRes.status} ${await chRes.text()}`);
      const channel = await chRes.json();

      let started = performance.now();
      const createErrors = await pool(CHECKS, 20, async (i) => {
        const body = JSON.stringify({
          name: `alert ${i}`,
          unique: ["name"],
          schedule: "* * * * *",
          tz: "UTC",
          grace: GRACE_S,
          channels: channel.id,
        });
        const res = await send(`${base}/api/v3/checks/`, { method: "POST", headers, body });
        return res.status === 201 || res.status === 200;
      });
      console.log(`created ${CHECKS} checks with the channel in ${fmt(performance.now() - started)}, ${createErrors} errors`);
      const list = async () => {
        const res = await send(`${base}/api/v3/checks/`, { headers });
        return res.status === 200 ? JSON.parse(res.body).checks : [];
      };
      let checks = await list();
      if (createErrors > 0 || checks.length !== CHECKS) throw new Error(`expected ${CHECKS} checks, got ${checks.length}`);
      const codes = checks.map((c) => c.uuid);

      // ---- 1. All go down at the same instant ------------------------------------------------
      // Ping them all inside one minute, so that they share the next cron tick and so the deadline.
      if (new Date().getUTCSeconds() > 20) await sleep(61_000 - (Date.now() % 60_000));
      started = performance.now();
      const upErrors = await pool(CHECKS, 20, async (i) => (await send(checks[i].ping_url)).status === 200);
      console.log(`first ping of each check (new → up, no alert) in ${fmt(performance.now() - started)}, ${upErrors} errors`);
      checks = await list();
      const deadlines = new Map(checks.map((c) => [c.uuid, Date.parse(c.next_ping) + GRACE_S * 1000]));
      const distinct = [...new Set(deadlines.values())];
      const deadline = Math.max(...distinct);
      console.log(
        `\n1. ${CHECKS} checks reach their deadline at ${new Date(deadline).toISOString()}` +
          (distinct.length > 1 ? ` (spread over ${distinct.length} deadlines: the pings crossed a minute)` : " (all the same instant)"),
      );
      receiver.arm();
      await sleep(deadline - Date.now());
      const complete = await collect(receiver, deadline);
      const one = report(receiver, deadlines, "deadline (flip)", codes);
      if (complete) console.log(`  the last alert arrived ${fmt(one.last - deadline)} after the deadline`);
      const stages = await queryD1(
        dir,
        `SELECT f.check_id, f.created, f.enqueued_at, n.created AS claimed, n.updated AS settled, n.attempts
         FROM alert_flips f JOIN notifications n ON n.flip_id = f.id WHERE f.new_status = 'down'`,
      );
      if (stages.length > 0) {
        console.log(`  where the time went (D1 log, ${stages.length} deliveries):`);
        console.log(`    flip → snapshot write begins (with the summary): ${dist(stages.map((s) => s.enqueued_at - s.created))}`);
        console.log(`    → stored, queued, consumer claimed the pair:    ${dist(stages.map((s) => s.claimed - s.enqueued_at))}`);
        console.log(
          `    → receiver has it:                             ${dist(stages.map((s) => receiver.first.get(s.check_id) - s.claimed))}`,
        );
        console.log(`    → outcome recorded:                            ${dist(stages.map((s) => s.settled - receiver.first.get(s.check_id)))}`);
      }

      // ---- 2. Fail pings, 50 at a time -----------------------------------------------------
      if (DEADLINE_ONLY) {
        const { duplicates, unexpected } = receiver.counts();
        console.log(`\nduplicates ${duplicates}, unexpected ${unexpected}, retried requests ${retries}`);
        failed = one.missing > 0 || duplicates > 0 || unexpected > 0 || upErrors > 0;
        return;
      }
      const downErrors = await pool(CHECKS, 20, async (i) => (await send(checks[i].ping_url)).status === 200);
      if (downErrors > 0) throw new Error(`${downErrors} recovering pings failed`);
      await sleep(1000); // recoveries send nothing (empty url_up); let any stray request land first
      console.log(`\n2. /fail ping to each of ${CHECKS} up checks, ${CONCURRENCY} at a time`);
      receiver.arm();
      const sentAt = new Map();
      const answeredAt = new Map();
      const t0 = Date.now();
      const sendErrors = await pool(CHECKS, CONCURRENCY, async (i) => {
        sentAt.set(codes[i], Date.now());
        const res = await send(`${checks[i].ping_url}/fail`, { method: "POST" });
        answeredAt.set(codes[i], Date.now());
        return res.status === 200;
      });
      const sendMs = Date.now() - t0;
      console.log(`  sent in ${fmt(sendMs)} (${(CHECKS / (sendMs / 1000)).toFixed(0)}/s), ${sendErrors} errors`);
      await collect(receiver, t0);
      const two = report(receiver, sentAt, "ping sent", codes);
      report(receiver, answeredAt, "ping answered", []);
      const flips = await queryD1(dir, `SELECT check_id, created FROM alert_flips WHERE new_status = 'down' AND created >= ${t0}`);
      report(receiver, new Map(flips.map((f) => [f.check_id, f.created])), "flip (in the check's DO)", []);

      const { duplicates, unexpected } = receiver.counts();
      console.log(
        `\nduplicates ${duplicates}, unexpected ${unexpected}, retried requests ${retries}` +
          (retries > 0 ? " (the Worker reloaded during the run: figures are not clean)" : ""),
      );
      failed = one.missing > 0 || two.missing > 0 || duplicates > 0 || unexpected > 0 || sendErrors > 0 || upErrors > 0;
    },
    10 * 60_000,
    ["--var", "INTEGRATIONS_ALLOW_PRIVATE_IPS:true"],
  );
} finally {
  await receiver.close();
}
if (failed) process.exitCode = 1;
