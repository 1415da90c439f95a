// scripts/backup.mjs (`npm run backup` / `npm run restore`) against one real instance: a backup file
// restored after its project was deleted gives the same API answers; what a restore refuses.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type Instance, type Project, ROOT, adminFetch, createProject, request, startInstance, waitUntilServing } from "./instance";

type Run = { code: number; stdout: string; stderr: string };

let instance: Instance;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-backup-"));
  instance = await startInstance({ cron: false });
  await waitUntilServing(instance);
}, 120_000);

afterAll(async () => {
  await instance?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "scripts/backup.mjs"), ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, EDGECHECKS_URL: instance.baseUrl, ADMIN_TOKEN } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function get(p: Project, pathname: string): Promise<unknown> {
  const res = await request(instance, `/api/v3${pathname}`, { headers: { "X-Api-Key": p.api_key } });
  expect(res.status, pathname).toBe(200);
  return res.json();
}

describe("backup and restore CLI", () => {
  it("restores a deleted project from the file with the same checks, pings and flips", async () => {
    const p = await createProject(instance, "cli backup");
    const created = await request(instance, "/api/v3/checks/", {
      method: "POST",
      headers: { "X-Api-Key": p.api_key },
      body: JSON.stringify({ name: "db dump", timeout: 3600 }),
    });
    const { uuid } = (await created.json()) as { uuid: string };
    await request(instance, `/ping/${uuid}/fail`, { method: "POST", body: "disk full" });
    await request(instance, `/ping/${uuid}`, { method: "POST", body: "ok again" });
    const snapshot = async () => ({
      check: await get(p, `/checks/${uuid}`),
      pings: await get(p, `/checks/${uuid}/pings/`),
      flips: await get(p, `/checks/${uuid}/flips/`),
    });
    const before = await snapshot();
    const file = path.join(dir, "all.jsonl");

    const backup = await cli("backup", "--out", file);
    expect(backup, backup.stderr).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(backup.stdout)).toEqual({ file, projects: 1, checks: 1, accounts: 0 });
    // It can hold password hashes and two-factor secrets: readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await adminFetch(instance, `/admin/v1/projects/${p.id}`, { method: "DELETE" })).status).toBe(200);

    const restore = await cli("restore", "--in", file);
    expect(restore, restore.stderr).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(restore.stdout)).toEqual({ file, imported: { users: 0, projects: 1, channels: 0, checks: 1 } });
    expect(await snapshot()).toEqual(before);

    const again = await cli("restore", "--in", file);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toContain(`HTTP 409 (${file} line 1): line 1: the deployment is not empty`);
  });

  it("refuses a file that was cut short, before sending anything", async () => {
    const file = path.join(dir, "cut.jsonl");
    const full = path.join(dir, "full.jsonl");
    expect((await cli("backup", "--out", full)).code).toBe(0);
    writeFileSync(file, readFileSync(full, "utf8").split("\n").slice(0, -2).join("\n"));
    const run = await cli("restore", "--in", file);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain("is incomplete");
  });
});
