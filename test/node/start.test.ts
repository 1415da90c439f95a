// Proves scripts/start.mjs (`npm start`): it builds the UI, applies the D1 migrations into
// the persist folder, serves the Worker, keeps state across restarts, and stopping it
// (its process group, or the driver alone) leaves no process and no listening port behind.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ADMIN_TOKEN = "t0ken";
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

type Driver = {
  child: ChildProcess;
  pid: number;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: () => boolean;
};

const started: Driver[] = [];
const persistDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-start-"));
const projectName = `persisted-${randomUUID().slice(0, 8)}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startDriver(): Promise<Driver> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    "scripts/start.mjs",
    "--port", String(port),
    "--persist-to", persistDir,
    "--inspector-port", String(inspectorPort),
    "--var", `ADMIN_TOKEN:${ADMIN_TOKEN}`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Leads its own process group (and session), like `setsid npm start`.
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error("could not spawn the driver");
  const driver: Driver = {
    child,
    pid: child.pid,
    port,
    output: () => log,
    exited,
    hasExited: () => done,
  };
  started.push(driver);
  return driver;
}

/** Poll `probe` until it returns a value other than undefined, or fail at the deadline. */
async function poll<T>(
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

async function waitUntilServing(driver: Driver): Promise<Response> {
  return poll(
    `http://127.0.0.1:${driver.port}/ to answer`,
    READY_TIMEOUT_MS,
    async () => {
      if (driver.hasExited()) {
        throw new Error(`the driver exited before serving:\n${driver.output()}`);
      }
      try {
        return await fetch(`http://127.0.0.1:${driver.port}/`, { signal: AbortSignal.timeout(5_000) });
      } catch {
        return undefined;
      }
    },
    driver.output,
  );
}

/** Live (non-zombie) processes whose process group is `pgid`. */
function processesInGroup(pgid: number): string[] {
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

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(true); // something holds the port but does not answer
    });
    socket.once("error", () => resolve(false));
  });
}

/** After a stop signal: the driver exits, its whole group is gone, the port is closed. */
async function expectFullyStopped(driver: Driver): Promise<void> {
  await poll("the driver to exit", STOP_TIMEOUT_MS, () => (driver.hasExited() ? true : undefined), driver.output);
  await poll(
    `no process left in group ${driver.pid}`,
    STOP_TIMEOUT_MS,
    () => (processesInGroup(driver.pid).length === 0 ? true : undefined),
    () => processesInGroup(driver.pid).join("\n"),
  );
  await poll(`port ${driver.port} to close`, STOP_TIMEOUT_MS, async () =>
    (await acceptsConnections(driver.port)) ? undefined : true,
  );
  expect(processesInGroup(driver.pid)).toEqual([]);
  expect(await acceptsConnections(driver.port)).toBe(false);
}

function findDirs(root: string, name: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(root, entry.name);
    if (entry.name === name) out.push(full);
    out.push(...findDirs(full, name));
  }
  return out;
}

function adminFetch(driver: Driver, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${driver.port}${pathname}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${ADMIN_TOKEN}`,
      "Content-Type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
    signal: AbortSignal.timeout(15_000),
  });
}

afterAll(() => {
  // Whatever a failed test left running.
  for (const driver of started) {
    if (processesInGroup(driver.pid).length > 0) {
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  rmSync(persistDir, { recursive: true, force: true });
});

describe("npm start (scripts/start.mjs)", () => {
  it("builds the UI, migrates D1, serves, and stops with its process group", async () => {
    const driver = await startDriver();

    const home = await waitUntilServing(driver);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("<title>edgechecks</title>");
    expect(existsSync(path.join(ROOT, "ui", "dist", "index.html"))).toBe(true);

    // Children are not detached: wrangler and its grandchild workerd share the driver's group,
    // so signalling the group reaches them even if the driver could not forward (SIGKILL).
    const group = processesInGroup(driver.pid);
    expect(group.filter((entry) => entry.includes("(workerd)")).length, group.join("\n")).toBeGreaterThan(0);
    expect(group.filter((entry) => entry.includes("(node)")).length, group.join("\n")).toBeGreaterThan(1);

    // `wrangler d1 migrations apply --local --persist-to DIR` wrote the database there.
    const d1Dirs = findDirs(persistDir, "d1");
    expect(d1Dirs.length).toBeGreaterThan(0);
    const sqliteFiles = d1Dirs.flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
        (file) => file.endsWith(".sqlite") && statSync(path.join(dir, file)).size > 0,
      ),
    );
    expect(sqliteFiles.length).toBeGreaterThan(0);

    const created = await adminFetch(driver, "/admin/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: projectName }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    // The whole group, as `kill -TERM -- -PGID` does.
    process.kill(-driver.pid, "SIGTERM");
    await expectFullyStopped(driver);
  });

  it("keeps state in the persist folder across restarts, and stops on a plain kill", async () => {
    const driver = await startDriver();
    await waitUntilServing(driver);

    const listed = await adminFetch(driver, "/admin/v1/projects");
    const body = await listed.text();
    expect(listed.status, body).toBe(200);
    expect(body).toContain(projectName);

    // Only the driver: it must forward the signal to wrangler (and so workerd).
    process.kill(driver.pid, "SIGTERM");
    await expectFullyStopped(driver);
  });
});
