// The crash suite's tools: a real `npm start` instance that can be killed with SIGKILL (by the process
// group it started, never by name) and restarted on the same state folder, and a webhook receiver
// that records every request with its Idempotency-Key. Loopback only.
import { execFile, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../bench/instance.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "chaos-admin-token";
/** How often the harness fires the sweeper (`npm start` fires it every minute; --no-cron here). */
export const SWEEP_EVERY_MS = 10_000;
/** ALERT_WATCH_SECONDS for the instances: how soon an untouched unsettled alert is handed over again. */
export const WATCH_SECONDS = 20;

export { freePort };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the value or null. */
export async function until(probe, ms, every = 500) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() >= end) return null;
    await sleep(every);
  }
}

/** PIDs of every live descendant of `pid` (Linux /proc). */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended meanwhile
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) for (const c of children.get(queue.shift()) ?? []) out.push(c), queue.push(c);
  return out;
}

export class Instance {
  /** @param {{ vars?: Record<string, string> }} options */
  constructor(name, options = {}) {
    this.name = name;
    this.vars = { ADMIN_TOKEN: TOKEN, INTEGRATIONS_ALLOW_PRIVATE_IPS: "true", ALERT_WATCH_SECONDS: String(WATCH_SECONDS), PING_RATE_LIMIT: "100000", ...options.vars };
    this.dir = mkdtempSync(path.join(os.tmpdir(), `edgechecks-chaos-${name}-`));
    this.child = null;
    this.sweeper = null;
    this.kills = 0;
  }

  async start() {
    this.port ??= await freePort();
    this.inspector ??= await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const args = ["scripts/start.mjs", "--port", String(this.port), "--persist-to", this.dir, "--no-cron", "--inspector-port", String(this.inspector)];
    for (const [k, v] of Object.entries(this.vars)) args.push("--var", `${k}:${v}`);
    const log = createWriteStream(path.join(this.dir, "instance.log"), { flags: "a" });
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    });
    this.child.stdout.pipe(log);
    this.child.stderr.pipe(log);
    const child = this.child;
    const up = await until(async () => {
      if (child.exitCode !== null) throw new Error(`${this.name}: the instance exited during startup (see ${this.dir}/instance.log)`);
      try {
        return (await fetch(`${this.base}/api/v3/status/`)).ok;
      } catch {
        return false;
      }
    }, 120_000, 250);
    if (!up) throw new Error(`${this.name}: the instance did not start within 120 s`);
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
  }

  /** Fires the cron sweeper once (what `npm start` does every minute). */
  async sweep() {
    try {
      await (await fetch(`${this.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`)).text();
    } catch {
      // down right now
    }
  }

  /** SIGKILL to the whole process group we started: wrangler, workerd, everything at once. */
  async kill() {
    clearInterval(this.sweeper);
    const child = this.child;
    if (child === null) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
    // workerd may outlive its parent for a moment; the port must be free before a restart.
    await until(async () => !(await fetch(`${this.base}/api/v3/status/`).then(() => true, () => false)), 10_000, 100);
    this.child = null;
    this.kills++;
  }

  async stop() {
    clearInterval(this.sweeper);
    if (this.child !== null) {
      const child = this.child;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
      if (child.exitCode === null && child.signalCode === null) {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // gone
          }
        }, 15_000);
        await new Promise((r) => child.once("exit", r));
        clearTimeout(t);
      }
      this.child = null;
    }
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Resident memory of the runtime (workerd) in MB, or null. */
  runtimeRssMb() {
    if (this.child === null) return null;
    for (const pid of descendants(this.child.pid)) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (rss) return Math.round(Number(rss[1]) / 1024);
      } catch {
        // ended meanwhile
      }
    }
    return null;
  }

  async admin(pathname, body) {
    const res = await fetch(`${this.base}/admin/v1${pathname}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`admin ${pathname}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async api(key, pathname, { method, body } = {}) {
    const res = await fetch(`${this.base}/api/v3${pathname}`, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: { "X-Api-Key": key, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith("{") ? JSON.parse(text) : text };
  }

  async ping(uuid, suffix = "") {
    try {
      return (await fetch(`${this.base}/ping/${uuid}${suffix}`)).status;
    } catch {
      return 0;
    }
  }

  /** Reads the local D1 database (works while the instance runs). */
  d1(sql) {
    const wrangler = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [wrangler, "d1", "execute", "edgechecks", "--local", "--persist-to", this.dir, "-c", "wrangler.toml", "--json", "--command", sql],
        { cwd: ROOT, env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 64 << 20 },
        (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout)[0].results)),
      );
    });
  }
}

/** A webhook receiver: records every request; can answer slowly or be down (connection refused). */
export class Receiver {
  constructor() {
    this.requests = [];
    this.delayMs = 0;
    this.server = null;
  }

  async up() {
    this.port ??= await freePort();
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({
          at: Date.now(),
          method: req.method,
          path: req.url,
          key: req.headers["idempotency-key"] ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        setTimeout(() => res.writeHead(200).end("ok"), this.delayMs);
      });
    });
    await new Promise((r) => this.server.listen(this.port, "127.0.0.1", r));
  }

  async down() {
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  url(box) {
    return `http://127.0.0.1:${this.port}/${box}`;
  }

  /** Requests to a box. */
  box(box) {
    return this.requests.filter((r) => r.path.startsWith(`/${box}/`));
  }
}

/** A webhook channel: down alerts POST to <box>/down/<check uuid>, recoveries GET <box>/up/<check uuid>. */
export async function webhook(instance, project, receiver, box, headers = {}) {
  const res = await instance.api(project.api_key, "/channels/", {
    body: {
      name: box,
      kind: "webhook",
      value: {
        method_down: "POST",
        url_down: `${receiver.url(box)}/down/$CODE`,
        body_down: "$NAME is $STATUS",
        headers_down: headers,
        method_up: "GET",
        url_up: `${receiver.url(box)}/up/$CODE`,
      },
    },
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id;
}

/** Runs `fn(i)` for 0..n-1 with at most `limit` at a time. */
export async function pool(n, limit, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

export async function createChecks(instance, project, n, fields) {
  return pool(n, 8, async (i) => {
    const res = await instance.api(project.api_key, "/checks/", { body: { name: `check ${i}`, ...fields } });
    if (res.status !== 201) throw new Error(`check: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json.uuid;
  });
}
