#!/usr/bin/env node
// The runtime's own floor under bench:alerts scenario 1 (not a test): a do-nothing Worker
// (bench/alarm-floor/) under `wrangler dev` sets 1,000 Durable Object alarms for the same instant,
// far enough ahead that the objects are unloaded by then, as the checks are in bench:alerts. Each
// handler only records when it ran. How late do they run?
// node bench/alarm-floor.bench.mjs [objects, default 1000] [seconds ahead, default 70]
import { percentile, withWrangler } from "./instance.mjs";

const OBJECTS = Number(process.argv[2] ?? 1000); // a multiple of CHUNK
// Seconds ahead (argument 2): at least 30, so that the objects are unloaded by then (workerd evicts
// an object idle for about 10 s).
const AHEAD_MS = Math.max(30, Number(process.argv[3] ?? 70)) * 1000;
const CHUNK = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dist = (xs) => `first ${xs[0]} ms, p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms, last ${xs.at(-1)} ms`;
const options = { budgetMs: 5 * 60_000, readyPath: "/ran?from=0&n=0" };
await withWrangler(
  "bench/alarm-floor/wrangler.toml",
  async ({ base }) => {
    const chunks = (fn) => Promise.all(Array.from({ length: OBJECTS / CHUNK }, (_, c) => fn(c * CHUNK)));
    const at = Date.now() + AHEAD_MS;
    await chunks((from) => fetch(`${base}/arm?from=${from}&n=${CHUNK}&at=${at}`).then((r) => r.text()));
    console.log(`${OBJECTS} alarms set for ${new Date(at).toISOString()}; waiting`);
    let runs = [];
    while (Date.now() < at + 60_000) {
      await sleep(Math.max(1000, at - Date.now() + 1000));
      runs = (await chunks((from) => fetch(`${base}/ran?from=${from}&n=${CHUNK}`).then((r) => r.json()))).flat();
      if (runs.every((r) => r !== null)) break;
    }
    const done = runs.filter((r) => r !== null);
    console.log(`alarms run: ${done.length}/${OBJECTS}`);
    console.log(`objects loaded after the due instant: ${dist(done.map((r) => r.loaded - at).sort((a, b) => a - b))}`);
    console.log(`empty alarm handlers ran after the due instant: ${dist(done.map((r) => r.ran - at).sort((a, b) => a - b))}`);
    if (done.length < OBJECTS) process.exitCode = 1;
  },
  options,
);
