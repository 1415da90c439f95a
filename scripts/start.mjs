#!/usr/bin/env node
// `npm start`: build the UI (when ui/ changed since the last build), apply the local D1 migrations, run `wrangler dev`,
// and fire the cron sweeper every minute (local cron triggers never fire by themselves).
//
// Process model: every child (vite, wrangler and its own children, workerd among them)
// stays in this driver's process group, so signalling the group stops everything.
// SIGINT/SIGTERM/SIGHUP sent to the driver alone are forwarded to the running child;
// the driver exits once that child has exited, with the child's exit code.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONFIG = "wrangler.toml";
const DATABASE = "edgechecks";
const CRON = "* * * * *";
const CRON_INTERVAL_MS = 60_000;
// A child that ignores a forwarded signal for this long is killed (with its descendants).
const KILL_GRACE_MS = 15_000;

const USAGE = `Usage: npm start -- [options] [wrangler dev options]

Builds the UI (when ui/ changed), applies the D1 migrations locally, runs \`wrangler dev\` and
fires the cron sweeper (${CRON}) every minute.

Options:
  --port N            port to listen on (default 8787)
  --ip IP             address to listen on (default 127.0.0.1)
  --persist-to DIR    local state folder for D1, Durable Objects, queues
                      (default .wrangler/state, relative to the repo root;
                      a given DIR is relative to the current directory)
  --no-cron           do not fire the cron sweeper
  -h, --help          show this help

Every other argument is passed to \`wrangler dev\` unchanged, e.g.
  npm start -- --port 8899 --var ADMIN_TOKEN:secret --inspector-port 9333

Webhooks may reach private and loopback addresses (INTEGRATIONS_ALLOW_PRIVATE_IPS
is true unless you set it, e.g. --var INTEGRATIONS_ALLOW_PRIVATE_IPS:false).
`;

function log(message) {
  console.log(`[start] ${message}`);
}

function fail(message, code = 2) {
  console.error(`[start] ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = {
    port: 8787,
    ip: "127.0.0.1",
    persistTo: path.join(ROOT, ".wrangler", "state"),
    cron: true,
    passthrough: [],
  };
  const own = new Set(["--port", "--ip", "--persist-to"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (arg === "--no-cron") {
      opts.cron = false;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!own.has(name)) {
      opts.passthrough.push(arg);
      continue;
    }
    let value;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[++i];
      if (value === undefined) fail(`${name} needs a value (see --help)`);
    }
    if (value === "") fail(`${name} needs a value (see --help)`);
    if (name === "--port") {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`invalid --port: ${value}`);
      opts.port = port;
    } else if (name === "--ip") {
      opts.ip = value;
    } else {
      opts.persistTo = path.resolve(process.cwd(), value);
    }
  }
  return opts;
}

/** Whether ui/dist is missing or older than a file of ui/ (its sources and config). */
function uiBuildIsStale() {
  const built = path.join(ROOT, "ui", "dist", "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return e.name !== "dist" && e.name !== "node_modules" && newer(full);
      return statSync(full).mtimeMs > builtAt;
    });
  return newer(path.join(ROOT, "ui"));
}

/** Absolute path of a locally installed package's bin script. */
function localBin(pkg, bin = pkg) {
  const dir = path.join(ROOT, "node_modules", pkg);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[bin];
  if (!rel) throw new Error(`${pkg} has no bin "${bin}"`);
  return path.join(dir, rel);
}

/** The address to reach a server listening on `ip` from this machine. */
function clientHost(ip) {
  if (ip === "0.0.0.0" || ip === "*") return "127.0.0.1";
  if (ip === "::" || ip === "[::]") return "[::1]";
  if (ip.includes(":") && !ip.startsWith("[")) return `[${ip}]`;
  return ip;
}

/**
 * Where the var `name` reaching the Worker comes from, and its value: a --var, or .dev.vars / .env;
 * null when neither sets it.
 */
function givenVar(passthrough, name) {
  const prefix = `${name}:`;
  for (let i = 0; i < passthrough.length; i++) {
    const arg = passthrough[i];
    if (arg.startsWith(`--var=${prefix}`)) return { source: "--var", value: arg.slice(`--var=${prefix}`.length) };
    if (arg === "--var") {
      // yargs arrays: `--var A:1 B:2` takes values until the next option.
      for (let j = i + 1; j < passthrough.length && !passthrough[j].startsWith("-"); j++) {
        if (passthrough[j].startsWith(prefix)) return { source: "--var", value: passthrough[j].slice(prefix.length) };
      }
    }
  }
  for (const file of [".dev.vars", ".env"]) {
    const full = path.join(ROOT, file);
    const match = existsSync(full) ? new RegExp(`^\\s*${name}\\s*=(.*)$`, "m").exec(readFileSync(full, "utf8")) : null;
    if (match) return { source: file, value: match[1].trim() };
  }
  return null;
}

/** Does ADMIN_TOKEN reach the Worker (a --var, or .dev.vars / .env)? */
function adminTokenGiven(passthrough) {
  return givenVar(passthrough, "ADMIN_TOKEN") !== null;
}

// A local development server: webhooks may reach receivers on this machine or the LAN, unless the
// user sets the var (e.g. `--var INTEGRATIONS_ALLOW_PRIVATE_IPS:false` to try the guard).
// Deployments keep wrangler.toml's "false".
const PRIVATE_IPS = "INTEGRATIONS_ALLOW_PRIVATE_IPS";

/** PIDs of every live descendant of `pid` (Linux /proc; empty elsewhere). */
function descendants(pid) {
  let entries;
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function exitCodeOf(code, signal) {
  if (code !== null) return code;
  return 128 + (osConstants.signals[signal] ?? 0);
}

// ---- child management -------------------------------------------------------

let current = null; // the running child process
let stopping = null; // the signal that asked us to stop

const childEnv = {
  ...process.env,
  // Offline-friendly: wrangler would otherwise fetch request.cf data from the network.
  CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
};

/** Run `node script args`; resolve with its exit code. Children share our process group. */
function run(script, args, { stdin = "ignore" } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: childEnv,
      // stdin "ignore" keeps wrangler non-interactive (no confirmation prompts).
      stdio: [stdin, "inherit", "inherit"],
    });
    current = child;
    child.on("error", (err) => {
      console.error(`[start] could not run ${script}: ${err.message}`);
      current = null;
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      current = null;
      resolve(exitCodeOf(code, signal));
    });
  });
}

function onSignal(signal) {
  if (stopping) {
    // A second Ctrl-C: do not wait any longer.
    killTree(current, "SIGKILL");
    process.exit(exitCodeOf(null, signal));
  }
  stopping = signal;
  if (!current) process.exit(exitCodeOf(null, signal));
  log(`${signal}: stopping…`);
  try {
    current.kill(signal);
  } catch {
    // Already gone.
  }
  const child = current;
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      log(`child ${child.pid} still running after ${KILL_GRACE_MS} ms; killing it`);
      killTree(child, "SIGKILL");
    }
  }, KILL_GRACE_MS).unref();
}

function killTree(child, signal) {
  if (!child?.pid) return;
  for (const pid of [...descendants(child.pid), child.pid]) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => onSignal(signal));

// ---- main ---------------------------------------------------------------------

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  fail(
    `wrangler needs Node.js >= 22.12, this is ${process.version}. ` +
      "Run `source scripts/node22.sh` first.",
    1,
  );
}

const opts = parseArgs(process.argv.slice(2));
const host = clientHost(opts.ip);
const baseUrl = `http://${host}:${opts.port}`;

async function main() {
  let code = 0;
  // Only when ui/ changed since the last build: a rebuild rewrites ui/dist, which makes every other
  // instance running from this checkout reload its Worker (and drop requests in flight).
  if (uiBuildIsStale()) {
    log("building the UI (vite build ui)");
    code = await run(localBin("vite"), ["build", "ui"]);
    if (stopping) process.exit(exitCodeOf(null, stopping));
    if (code !== 0) fail(`UI build failed (exit ${code})`, code);
  } else {
    log("the UI build in ui/dist is up to date");
  }

  log(`applying D1 migrations locally into ${opts.persistTo}`);
  code = await run(localBin("wrangler"), [
    "d1", "migrations", "apply", DATABASE,
    "--local", "--persist-to", opts.persistTo, "-c", CONFIG,
  ]);
  if (stopping) process.exit(exitCodeOf(null, stopping));
  if (code !== 0) fail(`D1 migrations failed (exit ${code})`, code);

  log(`starting wrangler dev on ${baseUrl}`);
  const devArgs = [
    "dev", "-c", CONFIG,
    "--port", String(opts.port), "--ip", opts.ip, "--persist-to", opts.persistTo,
    ...opts.passthrough,
    // Last, so that it cannot take the user's following arguments as more --var values.
    ...(givenVar(opts.passthrough, PRIVATE_IPS) === null ? ["--var", `${PRIVATE_IPS}:true`] : []),
  ];
  // wrangler dev keeps the terminal (its hotkeys) when there is one.
  const devExit = run(localBin("wrangler"), devArgs, { stdin: "inherit" });
  let exited = false;
  devExit.then(() => (exited = true));

  const ready = await waitUntilAnswering(() => exited || stopping !== null);
  let timer;
  if (ready) {
    printBanner();
    if (opts.cron) {
      void fireCron();
      timer = setInterval(fireCron, CRON_INTERVAL_MS);
    }
  }
  code = await devExit;
  clearInterval(timer);
  process.exit(code);
}

/** Poll GET / until the server answers with any HTTP status; false if given up. */
async function waitUntilAnswering(giveUp) {
  while (!giveUp()) {
    try {
      const res = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}

// Wrangler's local trigger for scheduled() (rewritten internally to /cdn-cgi/local/scheduled).
const cronUrl = () => `${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(CRON)}`;
let cronConfirmed = false;

/** Run scheduled() once; failures are logged, never fatal. */
async function fireCron() {
  try {
    const res = await fetch(cronUrl(), { signal: AbortSignal.timeout(55_000) });
    const body = (await res.text()).trim();
    if (!res.ok) {
      log(`cron sweeper: HTTP ${res.status} ${body.slice(0, 200)}`);
    } else if (!cronConfirmed) {
      cronConfirmed = true;
      log("cron sweeper: first run ok; firing every minute");
    }
  } catch (err) {
    log(`cron sweeper: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The banner's line about private and loopback webhook targets. */
function webhookLine() {
  const given = givenVar(opts.passthrough, PRIVATE_IPS);
  if (given === null) {
    return `  Webhooks: private and loopback targets allowed (local default; deployments refuse them; --var ${PRIVATE_IPS}:false to refuse here too)`;
  }
  const allowed = given.value === "true";
  return `  Webhooks: private and loopback targets ${allowed ? "allowed" : "refused"} (${PRIVATE_IPS}=${given.value} from ${given.source})`;
}

function printBanner() {
  const urlOpt = baseUrl === "http://127.0.0.1:8787" ? "" : ` --url ${baseUrl}`;
  const lines = [
    "",
    "edgechecks is running",
    `  URL:      ${baseUrl}/`,
    `  State:    ${opts.persistTo}`,
    `  Cron:     ${opts.cron ? `sweeper fired every minute (${CRON})` : "off (--no-cron)"}`,
    webhookLine(),
  ];
  if (adminTokenGiven(opts.passthrough)) {
    lines.push(`  Project:  ADMIN_TOKEN=<token> npm run admin --${urlOpt} create-project NAME`);
  } else {
    lines.push(
      "  Admin API is off: no ADMIN_TOKEN. To enable it, restart with",
      "            npm start -- --var ADMIN_TOKEN:<token>   (or put ADMIN_TOKEN=<token> in .dev.vars)",
      `            then: ADMIN_TOKEN=<token> npm run admin --${urlOpt} create-project NAME`,
    );
  }
  lines.push("");
  console.log(lines.join("\n"));
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.stack : String(err)}`);
  killTree(current, "SIGTERM");
  process.exit(1);
});
