// scripts/admin.mjs (`npm run -s admin`) against one real instance: every verb prints only JSON
// on stdout (so it pipes into jq), errors go to stderr with a non-zero exit.
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type Instance, ROOT, createProject, request, startInstance, waitUntilServing } from "./instance";

type Run = { code: number; stdout: string; stderr: string };

let instance: Instance;

beforeAll(async () => {
  instance = await startInstance({ cron: false });
  await waitUntilServing(instance);
}, 120_000);

afterAll(async () => {
  await instance?.stop();
});

/** Runs the CLI as `npm run -s admin` would, with the instance's URL and token in the environment. */
function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "scripts/admin.mjs"), ...args],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, EDGECHECKS_URL: instance.baseUrl, ADMIN_TOKEN } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Exit 0, nothing on stderr, and stdout parses as JSON as a whole. */
function json<T = Record<string, unknown>>(run: Run): T {
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(run.stdout) as T;
}

describe("admin CLI", () => {
  it("create-project prints the new project and its keys as JSON", async () => {
    const p = json(await admin("create-project", "cli created"));
    expect(Object.keys(p).sort()).toEqual(["api_key", "api_key_readonly", "id", "name", "ping_key"]);
    expect(p).toMatchObject({ name: "cli created", api_key: expect.stringMatching(/^hcw_/) });
  });

  it("create-user prints a one-time sign-in link that opens a session on the new account", async () => {
    const made = json<{ email: string; created: boolean; sign_in_link: string }>(await admin("create-user", "first@example.org"));
    expect(made).toMatchObject({ email: "first@example.org", created: true });
    expect(made.sign_in_link.startsWith(`${instance.baseUrl}/app/api/auth/magic-link/verify?token=`)).toBe(true);
    const opened = await fetch(made.sign_in_link, { redirect: "manual" });
    expect(opened.status).toBe(302);
    const cookie = opened.headers.getSetCookie().find((c) => c.includes("session_token="))!.split(";")[0]!;
    const me = await (await fetch(`${instance.baseUrl}/app/api/me`, { headers: { Cookie: cookie } })).json();
    expect(me).toMatchObject({ email: "first@example.org", projects: [{ name: "My Project", role: "owner" }] });
    // Asked again for the same address: the account exists, a new link is made.
    expect(json(await admin("create-user", "first@example.org"))).toMatchObject({ created: false });
  });

  it("show-project prints one project as JSON", async () => {
    const p = await createProject(instance, "cli shown");
    expect(json(await admin("show-project", p.id))).toEqual({
      id: p.id,
      name: "cli shown",
      owner: null,
      nag_period: 0,
      n_checks: 0,
      n_channels: 0,
      created: expect.any(String),
    });
  });

  it("set-reminders maps off/hourly/daily to the project's nag_period", async () => {
    const p = await createProject(instance, "cli reminders");
    for (const [period, seconds] of [["daily", 86400], ["hourly", 3600], ["off", 0]] as const) {
      expect(json(await admin("set-reminders", p.id, period))).toEqual({ id: p.id, nag_period: seconds });
      expect(json(await admin("show-project", p.id))).toMatchObject({ nag_period: seconds });
    }
  });

  it("list-projects prints every project as JSON", async () => {
    const p = await createProject(instance, "cli listed");
    const { projects } = json<{ projects: { id: string; name: string }[] }>(await admin("list-projects"));
    expect(projects.find((x) => x.id === p.id)).toMatchObject({ name: "cli listed", n_checks: 0 });
  });

  it("rotate-key prints the new key as JSON", async () => {
    const p = await createProject(instance, "cli rotated");
    const rotated = json(await admin("rotate-key", p.id, "ping_key"));
    expect(rotated).toEqual({ id: p.id, ping_key: expect.stringMatching(/^[a-z0-9]{22}$/) });
    expect(rotated.ping_key).not.toBe(p.ping_key);
  });

  it("delete-project prints the deletion as JSON, after which show-project fails", async () => {
    const p = await createProject(instance, "cli deleted");
    expect(json(await admin("delete-project", p.id))).toEqual({ id: p.id, deleted: true });
    const shown = await admin("show-project", p.id);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe("");
    expect(shown.stderr).toContain("HTTP 404");
    expect(shown.stderr).toContain('{"error":"project not found"}');
  });

  it("set-owner makes an account the project's owner, as show-project then says", async () => {
    const p = await createProject(instance, "cli owned");
    const email = `cli-owner-${Date.now()}@example.org`;
    const signUp = await request(instance, "/app/api/auth/sign-up/email", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: instance.baseUrl },
      body: JSON.stringify({ email, password: "correct horse battery", name: "CLI" }),
    });
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(json(await admin("set-owner", p.id, email))).toEqual({ id: p.id, owner: { id: user.id, email } });
    expect(json(await admin("show-project", p.id))).toMatchObject({ owner: { id: user.id, email } });
    const unknown = await admin("set-owner", p.id, "nobody@example.org");
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain("no user with the email nobody@example.org");
  });

  it("exits non-zero with the message on stderr and nothing on stdout for a bad verb", async () => {
    const run = await admin("frobnicate-project");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("unknown verb frobnicate-project");
  });

  it("exits non-zero for a bad argument without sending anything", async () => {
    const p = await createProject(instance, "cli bad period");
    const run = await admin("set-reminders", p.id, "weekly");
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("PERIOD must be one of off, hourly, daily");
    expect(json(await admin("show-project", p.id))).toMatchObject({ nag_period: 0 });
  });

  it("exits 1 with the API's error on stderr for a wrong token", async () => {
    const run = await admin("--token", "wrong", "list-projects");
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain('{"error":"wrong admin token"}');
  });
});
