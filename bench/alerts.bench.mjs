#!/usr/bin/env node
// Alert latency benchmark (not a test): 1,000 checks attached to one webhook channel fail at once;
// how long until a local receiver has every alert? Measured per check from the moment its /fail
// ping was sent (the flip happens when the check's DO handles it) to the moment the webhook arrived.
// Goal: p99 under 1 s locally (Healthchecks polls every 2 s and sends serially).
import http from "node:http";
import { percentile, withInstance } from "./instance.mjs";

const CHECKS = 1000;
const CONCURRENCY = 50;
const WAIT_MS = 120_000;
// After the last alert, keep listening this long so late duplicates are counted too.
const SETTLE_MS = 3_000;

/** A webhook receiver on loopback: first receipt time per check code, and every repeat. */
function startReceiver() {
  const first = new Map();
  let duplicates = 0;
  let unexpected = 0;
  let armed = false; // receipts before the measured part are counted as unexpected
  const server = http.createServer((req, res) => {
    const at = performance.now();
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
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        first,
        arm: () => (armed = true),
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

// `wrangler dev` reloads the Worker when files in the tree change (503 "Your worker restarted
// mid-request", or a dropped connection). Every request below is safe to repeat (creates are
// `unique` by name, a second /fail finds the check already down), so those are retried and counted.
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
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const receiver = await startReceiver();
let failed = false;
try {
  await withInstance(
    async ({ base, project }) => {
      const headers = { "X-Api-Key": project.api_key, "Content-Type": "application/json" };
      const setup = performance.now();

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

      let createErrors = 0;
      let nextCreate = 0;
      const createStarted = performance.now();
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (nextCreate < CHECKS) {
            const i = nextCreate++;
            const body = JSON.stringify({ name: `alert ${i}`, unique: ["name"], timeout: 3600, grace: 3600, channels: channel.id });
            const res = await send(`${base}/api/v3/checks/`, { method: "POST", headers, body });
            if (res.status !== 201 && res.status !== 200) {
              if (++createErrors <= 5) console.error(`create ${i}: ${res.status} ${res.body.slice(0, 300)}`);
            }
          }
        }),
      );
      console.log(`created ${CHECKS} checks with the channel in ${fmt(performance.now() - createStarted)}, ${createErrors} errors`);
      const list = await send(`${base}/api/v3/checks/`, { headers });
      const checks = list.status === 200 ? JSON.parse(list.body).checks : [];
      if (createErrors > 0 || checks.length !== CHECKS) throw new Error(`expected ${CHECKS} checks without errors, got ${checks.length}`);
      let upErrors = 0;
      let nextUp = 0;
      const upStarted = performance.now();
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (nextUp < CHECKS) if ((await send(checks[nextUp++].ping_url)).status !== 200) upErrors++;
        }),
      );
      console.log(`first ping of each check (new → up) in ${fmt(performance.now() - upStarted)}, ${upErrors} errors`);
      if (upErrors > 0) throw new Error(`${upErrors} first pings failed`);
      // Let any stray deliveries (there should be none: new → up does not notify) land before arming.
      await sleep(1000);
      console.log(`setup: ${((performance.now() - setup) / 1000).toFixed(1)} s`);

      // The measured part.
      receiver.arm();
      const sentAt = new Map();
      const answeredAt = new Map();
      let next = 0;
      let sendErrors = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CHECKS) {
            const check = checks[next++];
            sentAt.set(check.uuid, performance.now());
            const res = await send(`${check.ping_url}/fail`, { method: "POST" });
            if (res.status !== 200) sendErrors++;
            answeredAt.set(check.uuid, performance.now());
          }
        }),
      );
      const sendMs = performance.now() - t0;
      const receivedWhileSending = receiver.first.size;
      console.log(
        `sent ${CHECKS} /fail pings (c=${CONCURRENCY}) in ${fmt(sendMs)} (${(CHECKS / (sendMs / 1000)).toFixed(0)}/s), ` +
          `${sendErrors} errors; ${receivedWhileSending} alerts had arrived by then`,
      );

      const deadline = performance.now() + WAIT_MS;
      while (receiver.first.size < CHECKS && performance.now() < deadline) await sleep(50);
      const allArrived = receiver.first.size >= CHECKS;
      await sleep(SETTLE_MS);

      const latencies = [];
      let lastAt = t0;
      for (const [code, at] of receiver.first) {
        const sent = sentAt.get(code);
        if (sent === undefined) continue;
        latencies.push(at - sent);
        lastAt = Math.max(lastAt, at);
      }
      latencies.sort((a, b) => a - b);
      // Where the time goes: the ping's own round trip (the flip is committed before the answer)
      // versus answer → alert (outbox drain, queue, consumer, webhook).
      const pingRtt = [...answeredAt].map(([code, at]) => at - sentAt.get(code)).sort((a, b) => a - b);
      const afterAnswer = [...receiver.first]
        .filter(([code]) => answeredAt.has(code))
        .map(([code, at]) => at - answeredAt.get(code))
        .sort((a, b) => a - b);
      const missing = [...sentAt.keys()].filter((code) => !receiver.first.has(code)).length;
      const { duplicates, unexpected } = receiver.counts();

      console.log(
        `alerts received: ${receiver.first.size}/${CHECKS}` +
          (allArrived ? `; last one ${fmt(lastAt - t0)} after the first /fail was sent` : ` (gave up after ${WAIT_MS / 1000} s)`),
      );
      if (latencies.length > 0) {
        console.log(
          `ping sent → alert received: p50 ${fmt(percentile(latencies, 50))}, p90 ${fmt(percentile(latencies, 90))}, ` +
            `p99 ${fmt(percentile(latencies, 99))}, max ${fmt(latencies.at(-1))}`,
        );
      }
      if (afterAnswer.length > 0) {
        const dist = (xs) => `p50 ${fmt(percentile(xs, 50))}, p99 ${fmt(percentile(xs, 99))}`;
        console.log(`  of which ping round trip: ${dist(pingRtt)}; ping answered → alert received: ${dist(afterAnswer)}`);
        const drainMs = lastAt - (t0 + sendMs);
        console.log(
          `  delivery rate: ${(receivedWhileSending / (sendMs / 1000)).toFixed(0)} alerts/s while sending, ` +
            `${((receiver.first.size - receivedWhileSending) / Math.max(drainMs / 1000, 0.001)).toFixed(0)} alerts/s afterwards`,
        );
      }
      console.log(
        `duplicates ${duplicates}, missing ${missing}, unexpected ${unexpected}, send errors ${sendErrors}, ` +
          `retried requests ${retries}${retries > 0 ? " (the Worker reloaded during the run: figures are not clean)" : ""}`,
      );
      failed = missing > 0 || duplicates > 0 || unexpected > 0 || sendErrors > 0;
    },
    10 * 60_000,
    ["--var", "INTEGRATIONS_ALLOW_PRIVATE_IPS:true"],
  );
} finally {
  await receiver.close();
}
if (failed) process.exitCode = 1;
