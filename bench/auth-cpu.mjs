#!/usr/bin/env node
// CPU time of sign-up and sign-in under `wrangler dev` (Linux): starts `npm start` on its own port
// and state folder, and reads the workerd process's CPU time (the sum of its threads' /proc/<pid>/task/*/schedstat, in ns)
// before and after each request, one request at a time. This counts everything workerd does for the
// request — the Worker's JavaScript, WebCrypto, and the local D1 (SQLite runs inside workerd here,
// outside the Worker's CPU budget on Cloudflare) — so it is an upper bound of the billed CPU time.
// Usage: node bench/auth-cpu.mjs [rounds]   (default 6 of each; 10 s apart, the sign-up limit per address)
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const rounds = Number(process.argv[2] ?? 6);
const port = 8790 + Math.floor(Math.random() * 100);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(tmpdir(), "edgechecks-auth-cpu-"));

const child = spawn("npm", ["start", "--", "--port", String(port), "--persist-to", state, "--no-cron"], {
  detached: true,
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stop);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function workerdPids() {
  const out = execFileSync("ps", ["-o", "pid=,args=", "-g", String(child.pid)]).toString();
  return out.split("\n").filter((l) => /\/workerd serve/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
}
// Nanosecond CPU time of every thread of the process (first field of /proc/<pid>/task/<tid>/schedstat).
const cpuMs = (pids) => pids.reduce((total, pid) => total + threadsMs(pid), 0);
const threadsMs = (pid) => {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // not running (any more)
  }
  return tids.reduce((sum, tid) => {
    try {
      return sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
    } catch {
      return sum; // a thread that ended between the listing and the read
    }
  }, 0);
};

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/v3/status/`)).ok) break;
  } catch {}
  if (i > 240) throw new Error("wrangler dev did not start");
  await sleep(500);
}
const pids = workerdPids();
if (pids.length === 0) throw new Error("no workerd process found");
const pid = pids; // every workerd process of this run

async function measure(path, body) {
  await sleep(300); // let background work (alarms, logging) settle
  const before = cpuMs(pid);
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  walls.push(Math.round(performance.now() - t0));
  await sleep(200); // waitUntil work (e.g. the first check's configuration) is part of the request
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return Math.round((cpuMs(pid) - before) * 10) / 10;
}

const walls = [];
const results = { signUp: [], signIn: [] };
for (let r = 0; r < rounds; r++) {
  const email = `cpu-${r}-${Date.now()}@example.org`;
  results.signUp.push(await measure("/app/api/auth/sign-up/email", { email, password: "correct horse battery", name: "cpu" }));
  results.signIn.push(await measure("/app/api/auth/sign-in/email", { email, password: "correct horse battery" }));
  if (r < rounds - 1) await sleep(10_500); // the library allows 3 sign-up/sign-in requests per 10 s per address
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ rounds, signUpMs: results.signUp, signInMs: results.signIn, medianSignUpMs: median(results.signUp), medianSignInMs: median(results.signIn), workerdProcesses: pids.length, wallMs: walls }));
stop();
process.exit(0);
