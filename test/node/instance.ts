// Runs a real local instance (`node scripts/start.mjs`, i.e. `npm start`) for node tests.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ADMIN_TOKEN = "t0ken";
export const READY_TIMEOUT_MS = 90_000;
export const STOP_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

export type Instance = {
  pid: number;
  port: number;
  baseUrl: string;
  persistDir: string;
  /** The last 20 kB of stdout and stderr. */
  log: () => string;
  exited: () => boolean;
  /** SIGTERM to the whole group, SIGKILL if it lingers; removes a persist dir it created. */
  stop: () => Promise<void>;
};

export type StartOptions = {
  /** `--var NAME:VALUE` for wrangler; ADMIN_TOKEN is always set. */
  vars?: Record<string, string>;
  /** Kept across restarts when given (the caller removes it); otherwise a temp dir owned by the instance. */
  persistDir?: string;
  cron?: boolean;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Poll `probe` until it returns a value other than undefined, or fail at the deadline. */
export async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  context: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function processesInGroup(pgid: number): string[] {
  const found: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    const close = stat.lastIndexOf(")");
    const [state, , pgrp] = stat.slice(close + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") found.push(`${name} ${stat.slice(0, close + 1)}`);
  }
  return found;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Spawns the driver; it is not serving yet (see waitUntilServing). */
export async function startInstance(options: StartOptions = {}): Promise<Instance> {
  const ownsPersistDir = options.persistDir === undefined;
  const persistDir = options.persistDir ?? mkdtempSync(path.join(os.tmpdir(), "edgechecks-instance-"));
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    "scripts/start.mjs",
    "--port", String(port),
    "--persist-to", persistDir,
    "--inspector-port", String(inspectorPort),
  ];
  if (options.cron === false) args.push("--no-cron");
  for (const [name, value] of Object.entries({ ADMIN_TOKEN, ...options.vars })) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Leads its own process group (and session), like `setsid npm start`, so the whole tree can be stopped.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let done = false;
  child.once("exit", () => {
    done = true;
  });
  const pid = child.pid;
  if (pid === undefined) {
    if (ownsPersistDir) rmSync(persistDir, { recursive: true, force: true });
    throw new Error("could not spawn scripts/start.mjs");
  }
  const stop = async () => {
    if (processesInGroup(pid).length > 0) {
      killGroup(pid, "SIGTERM");
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (processesInGroup(pid).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      if (processesInGroup(pid).length > 0) killGroup(pid, "SIGKILL");
    }
    if (ownsPersistDir) rmSync(persistDir, { recursive: true, force: true });
  };
  return {
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    persistDir,
    log: () => log,
    exited: () => done,
    stop,
  };
}

/** The first response from `pathname`; fails early if the driver exits. */
export function waitUntilServing(instance: Instance, pathname = "/"): Promise<Response> {
  return poll(
    `${instance.baseUrl}${pathname} to answer`,
    READY_TIMEOUT_MS,
    async () => {
      if (instance.exited()) {
        throw new Error(`scripts/start.mjs exited before serving:\n${instance.log()}`);
      }
      try {
        return await fetch(`${instance.baseUrl}${pathname}`, { signal: AbortSignal.timeout(5_000) });
      } catch {
        return undefined;
      }
    },
    instance.log,
  );
}

/** fetch() against the instance, with a timeout so a hung worker fails the test instead of stalling it. */
export function request(instance: Instance, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${instance.baseUrl}${pathname}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

/** request() as the admin, with a JSON content type; `init.headers` (a plain object) may add more. */
export function adminFetch(instance: Instance, pathname: string, init: RequestInit = {}): Promise<Response> {
  return request(instance, pathname, {
    ...init,
    headers: {
      Authorization: `Bearer ${ADMIN_TOKEN}`,
      "Content-Type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

export type Project = { id: string; api_key: string; api_key_readonly: string; ping_key: string };

/** POST /admin/v1/projects, expecting 201. */
export async function createProject(instance: Instance, name: string): Promise<Project> {
  const created = await adminFetch(instance, "/admin/v1/projects", { method: "POST", body: JSON.stringify({ name }) });
  const text = await created.text();
  expect(created.status, `${text}\n${instance.log()}`).toBe(201);
  return JSON.parse(text) as Project;
}
