// Proves scripts/start.mjs (`npm start`): it builds the UI, applies the D1 migrations into
// the persist folder, serves the Worker, lets webhooks reach loopback receivers (and says so), keeps
// state across restarts, and stopping it
// (its process group, or the driver alone) leaves no process and no listening port behind.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
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
  request,
  startInstance,
  waitUntilServing,
} from "./instance";

const started: Instance[] = [];
// Shared by both tests: the second one restarts on the first one's state.
const persistDir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-start-"));
const projectName = `persisted-${randomUUID().slice(0, 8)}`;

async function startDriver(vars: Record<string, string> = {}): Promise<Instance> {
  const driver = await startInstance({ persistDir, vars });
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

/** A loopback HTTP server recording the paths it is asked for. */
async function loopbackReceiver(): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? "");
    req.resume().on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Creates a webhook channel to `url` and sends it a test notification; returns the outcome. */
async function testNotification(driver: Instance, apiKey: string, url: string): Promise<unknown> {
  const headers = { "X-Api-Key": apiKey, "Content-Type": "application/json" };
  const created = await request(driver, "/api/v3/channels/", { method: "POST", headers, body: JSON.stringify({ kind: "webhook", value: { url_down: url } }) });
  expect(created.status, driver.log()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  return (await request(driver, `/api/v3/channels/${id}/test`, { method: "POST", headers })).json();
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

    const project = await createProject(driver, projectName);

    // A local development server: webhooks to this machine are delivered, and the banner says so.
    await poll("the banner", 10_000, () => (driver.log().includes("edgechecks is running") ? true : undefined), driver.log);
    expect(driver.log()).toContain("  Webhooks: private and loopback targets allowed (local default;");
    const receiver = await loopbackReceiver();
    try {
      expect(await testNotification(driver, project.api_key, `${receiver.url}/hook`)).toEqual({ ok: true, error: "" });
      expect(receiver.paths).toEqual(["/hook"]);
    } finally {
      await receiver.close();
    }

    // The whole group, as `kill -TERM -- -PGID` does.
    process.kill(-driver.pid, "SIGTERM");
    await expectFullyStopped(driver);
  });

  it("keeps state in the persist folder across restarts, refuses private webhook targets when told to, and stops on a plain kill", async () => {
    const driver = await startDriver({ INTEGRATIONS_ALLOW_PRIVATE_IPS: "false" });
    await waitUntilServing(driver);

    // The user's own value wins over npm start's default, and the banner shows it.
    await poll("the banner", 10_000, () => (driver.log().includes("edgechecks is running") ? true : undefined), driver.log);
    expect(driver.log()).toContain("  Webhooks: private and loopback targets refused (INTEGRATIONS_ALLOW_PRIVATE_IPS=false from --var)");
    const project = await createProject(driver, `guarded-${randomUUID().slice(0, 8)}`);
    const receiver = await loopbackReceiver();
    try {
      expect(await testNotification(driver, project.api_key, `${receiver.url}/hook`)).toEqual({
        ok: false,
        error: "Connections to private IP addresses are not allowed",
      });
      expect(receiver.paths).toEqual([]);
    } finally {
      await receiver.close();
    }

    const listed = await adminFetch(driver, "/admin/v1/projects");
    const body = await listed.text();
    expect(listed.status, body).toBe(200);
    expect(body).toContain(projectName);

    // Only the driver: it must forward the signal to wrangler (and so workerd).
    process.kill(driver.pid, "SIGTERM");
    await expectFullyStopped(driver);
  });
});
