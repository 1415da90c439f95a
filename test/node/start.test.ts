// Proves scripts/start.mjs (`npm start`): it builds the UI, applies the D1 migrations into
// the persist folder, serves the Worker, keeps state across restarts, and stopping it
// (its process group, or the driver alone) leaves no process and no listening port behind.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Instance,
  ROOT,
  STOP_TIMEOUT_MS,
  adminFetch,
  createProject,
  poll,
  processesInGroup,
  startInstance,
  waitUntilServing,
} from "./instance";

const started: Instance[] = [];
// Shared by both tests: the second one restarts on the first one's state.
const persistDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-start-"));
const projectName = `persisted-${randomUUID().slice(0, 8)}`;

async function startDriver(): Promise<Instance> {
  const driver = await startInstance({ persistDir });
  started.push(driver);
  return driver;
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
async function expectFullyStopped(driver: Instance): Promise<void> {
  await poll("the driver to exit", STOP_TIMEOUT_MS, () => (driver.exited() ? true : undefined), driver.log);
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

afterAll(async () => {
  // Whatever a failed test left running.
  await Promise.all(started.map((driver) => driver.stop()));
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

    await createProject(driver, projectName);

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
