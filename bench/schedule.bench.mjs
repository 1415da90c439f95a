// Schedule-engine benchmark: average time of nextFireTime over a mix of
// expressions and zones, cold (fresh module: empty parse cache and offset
// caches) and warm. Plain Node 22: bundles the TypeScript with esbuild first.
//
//   node bench/schedule.bench.mjs [--quick]

import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const dir = mkdtempSync(path.join(tmpdir(), "edgechecks-schedule-bench-"));
const outfile = path.join(dir, "schedule.mjs");
await build({
  // The public API plus the cache-clearing hooks used for the cold figures.
  stdin: {
    contents: [
      'export * from "./index";',
      'export { clearParseCaches } from "./cache";',
      'export { clearZoneCaches } from "./tz";',
    ].join("\n"),
    resolveDir: path.join(root, "src/checks/schedule"),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  outfile,
  logLevel: "error",
});
const load = (tag) => import(`${pathToFileURL(outfile).href}?instance=${tag}`);

const EXPRESSIONS = [
  ["cron", "* * * * *"],
  ["cron", "*/5 * * * *"],
  ["cron", "0 * * * *"],
  ["cron", "15 */2 * * *"],
  ["cron", "0 0 * * *"],
  ["cron", "30 3 * * *"],
  ["cron", "0 9 * * 1-5"],
  ["cron", "*/20 9-17 * * mon-fri"],
  ["cron", "0 0 1 * *"],
  ["cron", "0 0 L * *"],
  ["cron", "0 6 LW * *"],
  ["cron", "0 12 * * MON#2"],
  ["cron", "0 0 * * 5L"],
  ["cron", "0 0 1 * MON"],
  ["cron", "0 0 29 2 *"],
  ["cron", "59 23 31 12 *"],
  ["oncalendar", "daily"],
  ["oncalendar", "hourly"],
  ["oncalendar", "*:0/15"],
  ["oncalendar", "Mon..Fri 09:00"],
  ["oncalendar", "*-*~01 23:00"],
  ["oncalendar", "Thu *-*-1..7 18:00"],
  ["oncalendar", "*-02-29 06:00"],
  ["oncalendar", "quarterly\n*-06-15 12:00"],
  ["oncalendar", "09:00 America/New_York"],
  ["oncalendar", "*:0/20 UTC\n*:10/20"],
];
const ZONES = ["UTC", "Europe/Riga", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Havana"];

// Deterministic pseudo-random instants in 2020-2035, a third of them near DST transitions.
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const T0 = Date.UTC(2020, 0, 1);
const T1 = Date.UTC(2035, 0, 1);
const DST_DAYS = [Date.UTC(2024, 2, 31), Date.UTC(2024, 9, 27), Date.UTC(2024, 2, 10), Date.UTC(2024, 10, 3), Date.UTC(2024, 3, 6), Date.UTC(2024, 9, 5)];
function randomInstant() {
  if (rnd() < 1 / 3) return new Date(DST_DAYS[Math.floor(rnd() * DST_DAYS.length)] + Math.floor(rnd() * 2 * 86_400_000) - 86_400_000);
  return new Date(T0 + Math.floor(rnd() * (T1 - T0)));
}

const pairs = [];
for (const [kind, expr] of EXPRESSIONS) for (const tz of ZONES) pairs.push({ kind, expr, tz });

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const avg = s.reduce((a, b) => a + b, 0) / s.length;
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, avg_us: +(avg * 1000).toFixed(1), p50_us: +(q(0.5) * 1000).toFixed(1), p99_us: +(q(0.99) * 1000).toFixed(1), max_us: +(s[s.length - 1] * 1000).toFixed(1) };
}

// 0. Process start-up: the very first Intl.DateTimeFormat in a process loads ICU's zone data.
let t = performance.now();
const m0 = await load("startup");
const tImport = performance.now() - t;
t = performance.now();
m0.nextFireTime("cron", "0 3 * * *", "Europe/Riga", new Date(Date.UTC(2024, 0, 1)));
const tFirst = performance.now() - t;

// 1a. Cold module: a fresh module instance per (expression, zone), so also cold
// JIT code: the first call after an isolate starts.
const coldModule = [];
for (const [i, p] of pairs.entries()) {
  const mi = await load(`cold-${i}`);
  const after = randomInstant();
  const s = performance.now();
  mi.nextFireTime(p.kind, p.expr, p.tz, after);
  coldModule.push(performance.now() - s);
}

// 1b. Cold caches: one module (JIT warm), but the parse LRU, the zone objects
// (Intl.DateTimeFormat) and all cached offsets are dropped before every call.
const m = await load("warm");
for (const p of pairs) m.nextFireTime(p.kind, p.expr, p.tz, randomInstant());
const cold = [];
for (let r = 0; r < (quick ? 2 : 10); r++) {
  for (const p of pairs) {
    const after = randomInstant();
    m.clearParseCaches();
    m.clearZoneCaches();
    const s = performance.now();
    m.nextFireTime(p.kind, p.expr, p.tz, after);
    cold.push(performance.now() - s);
  }
}

// 2. Warm: parse cache and formatters warm; random instants (offset caches fill
// as days are visited, as in a long-lived isolate).
for (const p of pairs) m.nextFireTime(p.kind, p.expr, p.tz, randomInstant());
const warmCalls = quick ? 20_000 : 100_000;
const work = Array.from({ length: warmCalls }, () => ({ p: pairs[Math.floor(rnd() * pairs.length)], after: randomInstant() }));
const warm = [];
for (const { p, after } of work) {
  const s = performance.now();
  m.nextFireTime(p.kind, p.expr, p.tz, after);
  warm.push(performance.now() - s);
}
// Same work again: every day already cached.
const hot = [];
for (const { p, after } of work) {
  const s = performance.now();
  m.nextFireTime(p.kind, p.expr, p.tz, after);
  hot.push(performance.now() - s);
}
// 3. nextFireTimes(n=10), warm (what the preview endpoint does).
const ten = [];
for (const { p, after } of work.slice(0, quick ? 2000 : 10_000)) {
  const s = performance.now();
  m.nextFireTimes(p.kind, p.expr, p.tz, after, 10);
  ten.push(performance.now() - s);
}

console.log(`schedule engine benchmark (node ${process.version}), ${EXPRESSIONS.length} expressions x ${ZONES.length} zones`);
console.log(`  module import: ${tImport.toFixed(1)} ms; first call in process (ICU zone data load): ${tFirst.toFixed(1)} ms`);
console.table({
  "nextFireTime, fresh module instance": stats(coldModule),
  "nextFireTime, caches cleared": stats(cold),
  "nextFireTime warm (random instants)": stats(warm),
  "nextFireTime hot (same instants again)": stats(hot),
  "nextFireTimes n=10 warm": stats(ten),
});
rmSync(dir, { recursive: true, force: true });
