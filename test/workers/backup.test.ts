// Backups through the admin API: GET /admin/v1/export pages and POST /admin/v1/import chunks, and the
// objects' exportState/importState underneath (docs/operations.md#backups).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { importBackup } from "../../src/admin/backup";
import { CHECK_DO_SCHEMA_VERSION } from "../../src/checks/check-do-schema";
import { newRow } from "../../src/checks/repository";
import { checks } from "../../src/db/schema";
import { app, fromNewIp, sessionCookie, signIn, signUp } from "./account-helpers";
import { ADMIN, api, call, makeCheck, makeProject, scheduled, stub, view, type TestProject } from "./helpers";

const HOUR = 3_600_000;

/** Every page of the export, following the cursors; the cursor lines themselves are left out. */
async function exportAll(limit = 50): Promise<string[]> {
  const lines: string[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const res = await call(`/admin/v1/export?limit=${limit}&cursor=${cursor}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const page = new TextDecoder().decode(await res.arrayBuffer()).split("\n").filter((l) => l !== "");
    const last = JSON.parse(page.pop()!) as { type: string; next: string | null };
    expect(last.type).toBe("cursor");
    lines.push(...page);
    cursor = last.next;
  }
  return lines;
}

const importLines = (lines: string[]) => call("/admin/v1/import", { method: "POST", headers: ADMIN, body: `${lines.join("\n")}\n` });

/**
 * Deletes every project (and with them their checks' objects) and every account with everything of
 * it (sessions, sign-in methods, memberships, invitations), organizations and tokens: an empty deployment.
 */
async function wipe(): Promise<void> {
  const { projects } = await (await call("/admin/v1/projects", { headers: ADMIN })).json<{ projects: { id: string }[] }>();
  for (const p of projects) expect((await call(`/admin/v1/projects/${p.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(200);
  await env.DB.batch(
    ["session", "account", "two_factor", "invitation", "member", "organization", "user", "verification", "rate_limit"].map((t) =>
      env.DB.prepare(`DELETE FROM "${t}"`),
    ),
  );
}

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM "${table}"`).first<{ n: number }>())!.n;

const recordsOf = (lines: string[], type: string) =>
  lines.map((l) => JSON.parse(l) as { type: string; row: Record<string, unknown> } & Record<string, unknown>).filter((r) => r.type === type);

/** What the dashboard shows an account: its profile and its projects with its role in each. */
async function meOf(cookie: string) {
  const res = await app("/me", cookie);
  expect(res.status).toBe(200);
  return res.json<{ email: string; projects: { id: string; name: string; role: string }[] }>();
}

async function json(p: TestProject, path: string): Promise<unknown> {
  const res = await api(p, path);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** What the Management and admin APIs show of a project: the things a restore must give back. */
async function answers(p: TestProject, ids: string[]) {
  const checks: Record<string, unknown> = {};
  for (const id of ids) {
    const pings = (await json(p, `/checks/${id}/pings/`)) as { pings: { n: number }[] };
    const bodies = await Promise.all(pings.pings.map(async ({ n }) => (await api(p, `/checks/${id}/pings/${n}/body`)).text()));
    checks[id] = { check: await json(p, `/checks/${id}`), pings, bodies, flips: await json(p, `/checks/${id}/flips/`) };
  }
  return {
    list: await json(p, "/checks/"),
    checks,
    channels: await json(p, "/channels/"),
    project: await (await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN })).json(),
  };
}

describe("backup and restore", () => {
  it("a restored deployment answers the Management API as before the backup", async () => {
    await wipe();
    const p = await makeProject("restored");
    const a = (await (await api(p, "/channels/", { body: { name: "hook", kind: "webhook", value: { url_down: "https://hooks.example/down" } } })).json()) as { id: string };
    const b = (await (await api(p, "/channels/", { body: { name: "room", kind: "matrix", value: "!a:b.c" } })).json()) as { id: string };
    const ids: string[] = [];
    for (const name of ["nightly", "hourly", "cron"]) {
      const body = name === "cron" ? { name, schedule: "0 3 * * *", tz: "Europe/Riga", grace: 600 } : { name, timeout: 86400, tags: "prod db" };
      const res = await api(p, "/checks/", { body: { ...body, channels: name === "nightly" ? `${a.id},${b.id}` : "" } });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { uuid: string }).uuid);
    }
    const [nightly, hourly, cron] = ids as [string, string, string];
    await call(`/ping/${nightly}`, { method: "POST", body: "backup done: 42 files" });
    await call(`/ping/${nightly}/start`);
    await call(`/ping/${hourly}/fail`, { method: "POST", body: new Uint8Array([0, 159, 255, 10]) });
    await call(`/ping/${hourly}`, { method: "POST", body: "recovered" });
    await call(`/ping/${hourly}/fail`);
    await api(p, `/checks/${cron}/pause`, { method: "POST" });
    // Coalesced summaries (n_pings, last_ping) are written now, so the "before" list is exact.
    for (const id of ids) await stub(id).poke();
    const other = await makeCheck({ name: "other project" });
    await call(`/ping/${other.id}`);
    await stub(other.id).poke();
    const before = await answers(p, ids);
    const otherBefore = await answers(other.project, [other.id]);

    const lines = await exportAll(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "header", format: "edgechecks-backup", version: 2, check_schema_version: CHECK_DO_SCHEMA_VERSION });
    await wipe();
    expect((await api(p, "/checks/")).status).toBe(401);
    const res = await importLines(lines);
    expect(await res.json()).toEqual({ imported: { users: 0, projects: 2, channels: 2, checks: 4 } });

    expect(await answers(p, ids)).toEqual(before);
    expect(await answers(other.project, [other.id])).toEqual(otherBefore);
  });

  it("a restored check keeps its deadline: its alarm is set and its schedule re-derived", async () => {
    await wipe();
    const { id } = await makeCheck({ timeout: 3600, grace: 60 });
    await call(`/ping/${id}`);
    const lines = await exportAll();
    await wipe();
    expect((await importLines(lines)).status).toBe(200);
    const { alert_after } = await view(id);
    expect((await scheduled(id)).deadline).toBe(alert_after);
    expect(await runInDurableObject(stub(id), (_i, state) => state.storage.getAlarm())).toBe(alert_after);
  });

  it("refuses to restore into a deployment that has projects, and writes nothing", async () => {
    await wipe();
    await makeProject("exported");
    const lines = await exportAll();
    const res = await importLines(lines);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "line 1: the deployment is not empty (it has projects, checks, channels or accounts): restore only into an empty deployment",
      line: 1,
      imported: { users: 0, projects: 0, channels: 0, checks: 0 },
    });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM projects").first<{ n: number }>())!.n).toBe(1);
  });

  it("refuses to restore into a deployment that has an account, even one without projects", async () => {
    await wipe();
    await makeProject("exported");
    const lines = await exportAll();
    await wipe();
    const { userId } = await signUp();
    await env.DB.prepare("DELETE FROM projects WHERE owner_id = ?").bind(userId).run();
    await env.DB.prepare("DELETE FROM checks").run();
    const res = await importLines(lines);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ line: 1, error: expect.stringContaining("it has projects, checks, channels or accounts") });
    expect(await count("projects")).toBe(0);
  });

  it("refuses a file of a backup format version it does not read", async () => {
    const header = { type: "header", format: "edgechecks-backup", version: 3, check_schema_version: 1, created: new Date().toISOString() };
    const res = await importLines([JSON.stringify(header)]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 1, error: "line 1: version: this deployment reads backup format versions 1 and 2 only" });
  });

  it("a bad line answers 400 with its line number; records before it stay, nothing of it is written", async () => {
    await wipe();
    const { id, project } = await makeCheck({ name: "bad" });
    await call(`/ping/${id}`, { method: "POST", body: "x" });
    const lines = await exportAll();
    await wipe();
    const check = JSON.parse(lines.find((l) => l.includes('"type":"check"'))!) as { object: { pings: { body: string }[] } };
    check.object.pings[0]!.body = "not base64!";
    const res = await importLines([lines[0]!, lines.find((l) => l.includes('"type":"project"'))!, JSON.stringify(check)]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 3, error: "line 3: object.pings.0: a ping body must be base64", imported: { projects: 1, checks: 0 } });
    expect(await env.DB.prepare("SELECT id FROM projects").all()).toMatchObject({ results: [{ id: project.id }] });
    expect(await env.DB.prepare("SELECT 1 FROM checks WHERE id = ?").bind(id).first()).toBeNull();
    expect(await stub(id).state()).toBeNull();
  });

  it("a line that is not JSON answers 400 with its line number", async () => {
    const res = await call("/admin/v1/import", { method: "POST", headers: ADMIN, body: "\n{nope\n" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 2, error: "line 2: not JSON" });
  });

  it("a check whose object already holds a check is refused with 409 and its catalog rows are taken out", async () => {
    await wipe();
    const { id } = await makeCheck({ name: "twice" });
    const lines = await exportAll();
    // The catalog forgets the check but its object keeps it: the import must not overwrite it.
    await env.DB.prepare("DELETE FROM checks WHERE id = ?").bind(id).run();
    const res = await importLines(lines.filter((l) => l.includes('"type":"check"')));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ line: 1, error: "line 1: object: this check's object already has a check" });
    expect(await env.DB.prepare("SELECT 1 FROM checks WHERE id = ?").bind(id).first()).toBeNull();
    expect((await view(id)).config.name).toBe("twice");
  });

  it("the export and the import need the admin token", async () => {
    expect((await call("/admin/v1/export")).status).toBe(401);
    expect((await call("/admin/v1/import", { method: "POST", body: "" })).status).toBe(401);
  });

  it("a cursor that is not one of the export's answers 400", async () => {
    const res = await call("/admin/v1/export?cursor=bm9wZQ", { headers: ADMIN });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "bad cursor" });
  });
});

describe("accounts in a backup", () => {
  it("a restore brings the accounts back: they sign in with their passwords and keep their projects and roles", async () => {
    await wipe();
    const alice = await signUp("alice@example.org", "alice's long password");
    const bob = await signUp("bob@example.org", "bob's long password");
    const aliceProject = (await meOf(alice.cookie)).projects[0]!;
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'readonly', ?)")
      .bind(crypto.randomUUID(), aliceProject.id, bob.userId, Date.now())
      .run();
    const before = { alice: await meOf(alice.cookie), bob: await meOf(bob.cookie) };
    expect(before.bob.projects).toContainEqual({ ...aliceProject, role: "readonly" });
    const ownerBefore = await (await call(`/admin/v1/projects/${aliceProject.id}`, { headers: ADMIN })).json();

    const lines = await exportAll();
    // Alice's project names both of them before it, Bob's project Bob again.
    const users = recordsOf(lines, "user");
    expect(users.map((u) => u.row.email).sort()).toEqual(["alice@example.org", "bob@example.org", "bob@example.org"]);
    expect(users[0]!.accounts).toEqual([expect.objectContaining({ provider_id: "credential", password: expect.stringMatching(/^pbkdf2-sha256\$/) })]);
    const project = recordsOf(lines, "project").find((r) => r.row.id === aliceProject.id)!;
    expect(project).toMatchObject({
      organization: { id: aliceProject.id },
      members: [
        { user_id: alice.userId, role: "owner" },
        { user_id: bob.userId, role: "readonly" },
      ],
      invitations: [],
    });

    await wipe();
    expect((await signIn(alice.email, alice.password)).status).toBe(401);
    const res = await importLines(lines);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: { users: 2, projects: 2 } });

    const aliceIn = await signIn(alice.email, alice.password);
    const bobIn = await signIn(bob.email, bob.password);
    expect(aliceIn.status).toBe(200);
    expect(bobIn.status).toBe(200);
    expect(await meOf(sessionCookie(aliceIn))).toEqual(before.alice);
    expect(await meOf(sessionCookie(bobIn))).toEqual(before.bob);
    expect(await (await call(`/admin/v1/projects/${aliceProject.id}`, { headers: ADMIN })).json()).toEqual(ownerBefore);
    expect(ownerBefore).toMatchObject({ owner: { id: alice.userId, email: alice.email } });
  });

  it("an account's second factor and OAuth tokens, and a project's pending invitations, travel as stored", async () => {
    await wipe();
    const alice = await signUp();
    const projectId = (await meOf(alice.cookie)).projects[0]!.id;
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("UPDATE user SET two_factor_enabled = 1 WHERE id = ?").bind(alice.userId),
      env.DB.prepare("INSERT INTO two_factor (id, secret, backup_codes, user_id, verified, failed_verification_count) VALUES (?, 'sealed-secret', 'sealed-codes', ?, 1, 2)").bind(
        crypto.randomUUID(),
        alice.userId,
      ),
      env.DB.prepare(
        `INSERT INTO account (id, account_id, provider_id, user_id, access_token, refresh_token, access_token_expires_at, scope, created_at, updated_at)
         VALUES (?, '4242', 'github', ?, 'gho_access', 'ghr_refresh', ?, 'read:user', ?, ?)`,
      ).bind(crypto.randomUUID(), alice.userId, now + 3_600_000, now, now),
      ...[
        ["pending", now + 86_400_000],
        ["pending", now - 1],
        ["accepted", now + 86_400_000],
      ].map(([status, expires], i) =>
        env.DB.prepare("INSERT INTO invitation (id, organization_id, email, role, status, expires_at, created_at, inviter_id) VALUES (?, ?, ?, 'member', ?, ?, ?, ?)").bind(
          crypto.randomUUID(),
          projectId,
          `invited${i}@example.org`,
          status,
          expires,
          now,
          alice.userId,
        ),
      ),
    ]);
    const rows = async () => ({
      user: await env.DB.prepare("SELECT * FROM user WHERE id = ?").bind(alice.userId).first(),
      accounts: (await env.DB.prepare("SELECT * FROM account WHERE user_id = ? ORDER BY id").bind(alice.userId).all()).results,
      twoFactor: (await env.DB.prepare("SELECT * FROM two_factor WHERE user_id = ?").bind(alice.userId).all()).results,
      invitations: (await env.DB.prepare("SELECT * FROM invitation WHERE status = 'pending' AND expires_at > ?").bind(now).all()).results,
      organization: await env.DB.prepare("SELECT * FROM organization WHERE id = ?").bind(projectId).first(),
    });
    const before = await rows();
    expect(before.accounts).toHaveLength(2);
    expect(before.invitations).toHaveLength(1);
    const lines = await exportAll();
    expect(recordsOf(lines, "project")[0]!.invitations).toEqual(before.invitations);
    await wipe();
    expect((await importLines(lines)).status).toBe(200);
    expect(await rows()).toEqual(before);
    expect(await count("invitation")).toBe(1);
  });

  it("never exports sessions, verification tokens or rate-limit rows", async () => {
    await wipe();
    const alice = await signUp();
    await signIn(alice.email, alice.password);
    await env.DB.prepare("INSERT INTO verification (id, identifier, value, expires_at) VALUES ('v-1', 'magic-link-token-hash', 'verification-value-secret', ?)")
      .bind(Date.now() + 60_000)
      .run();
    const sessions = (await env.DB.prepare("SELECT id, token FROM session").all<{ id: string; token: string }>()).results;
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const text = (await exportAll()).join("\n");
    for (const s of sessions) {
      expect(text).not.toContain(s.token);
      expect(text).not.toContain(s.id);
    }
    expect(text).not.toContain("verification-value-secret");
    expect(text).not.toContain("magic-link-token-hash");
    expect(text).toContain(alice.userId);
  });

  it("a member whose account is not imported is refused with 400 and its line; nothing of the project is written", async () => {
    await wipe();
    const alice = await signUp();
    const bob = await signUp();
    const projectId = (await meOf(alice.cookie)).projects[0]!.id;
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'member', ?)")
      .bind(crypto.randomUUID(), projectId, bob.userId, Date.now())
      .run();
    const lines = await exportAll();
    await wipe();
    const aliceRecord = lines.find((l) => l.includes('"type":"user"') && l.includes(alice.userId))!;
    const projectRecord = lines.find((l) => l.includes('"type":"project"') && l.includes(projectId))!;
    const res = await importLines([lines[0]!, aliceRecord, projectRecord]);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      line: 3,
      error: `line 3: members.1.user_id: user ${bob.userId} is not in this deployment (its record must come first)`,
      imported: { users: 1, projects: 0, channels: 0, checks: 0 },
    });
    expect(await count("user")).toBe(1);
    expect(await count("projects")).toBe(0);
    expect(await count("organization")).toBe(0);
    expect(await count("member")).toBe(0);
  });

  it("a project record whose member belongs to another project is refused", async () => {
    await wipe();
    const alice = await signUp();
    const lines = await exportAll();
    await wipe();
    const project = recordsOf(lines, "project")[0]!;
    (project.members as { organization_id: string }[])[0]!.organization_id = crypto.randomUUID();
    const res = await importLines([...lines.filter((l) => l.includes('"type":"user"') && l.includes(alice.userId)), JSON.stringify(project)]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 2, error: "line 2: members.0.organization_id: is not the project's id" });
  });

  it("an account repeated before each of its projects is written once", async () => {
    await wipe();
    const alice = await signUp();
    const lines = await exportAll();
    await wipe();
    const user = lines.find((l) => l.includes('"type":"user"'))!;
    const res = await importLines([lines[0]!, user, user]);
    expect(await res.json()).toEqual({ imported: { users: 1, projects: 0, channels: 0, checks: 0 } });
    expect(await count("account")).toBe(1);
    expect((await signIn(alice.email, alice.password)).status).toBe(200);
  });

  it("a version 1 file restores: its owner gets an account without a password, owns the project again, and signs in by link", async () => {
    await wipe();
    // As the export wrote them before accounts existed: the owner from the old users table.
    const v1 = [
      '{"type":"header","format":"edgechecks-backup","version":1,"check_schema_version":1,"created":"2026-11-20T09:00:00.000Z"}',
      '{"type":"user","row":{"id":"6f1c9a52-3d7e-4b0a-9c8e-2a4b6d8f0e11","email":"Owner@Example.org","created":1763629200000}}',
      '{"type":"project","row":{"id":"0b7e1f3c-5a2d-4c6e-8f90-1a2b3c4d5e6f","name":"legacy","owner_id":"6f1c9a52-3d7e-4b0a-9c8e-2a4b6d8f0e11","api_key":"","api_key_readonly":"","ping_key_hash":null,"badge_key":"b7c1e2d3-f4a5-4b6c-9d7e-8f9a0b1c2d3e","ping_log_limit":100,"nag_period":3600,"created":1763629300000}}',
      '{"type":"channel","row":{"id":"4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8","project_id":"0b7e1f3c-5a2d-4c6e-8f90-1a2b3c4d5e6f","name":"hook","kind":"webhook","value":"{}","created":1763629400000,"disabled":0,"email_verified":1,"last_notify":null,"last_notify_duration":null,"last_error":""}}',
      '{"type":"project","row":{"id":"1c8f2a4d-6b3e-4d7f-9a01-2b3c4d5e6f70","name":"orphan","owner_id":"9d9d9d9d-0000-4000-8000-000000000000","api_key":"","api_key_readonly":"","ping_key_hash":null,"badge_key":"c8d2f3e4-a5b6-4c7d-8e9f-0a1b2c3d4e5f","ping_log_limit":100,"nag_period":0,"created":1763629500000}}',
    ];
    const res = await importLines(v1);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: { users: 1, projects: 2, channels: 1, checks: 0 } });
    expect(await env.DB.prepare("SELECT name, email, email_verified, created_at FROM user").all()).toMatchObject({
      results: [{ name: "owner", email: "owner@example.org", email_verified: 0, created_at: 1763629200000 }],
    });
    expect(await count("account")).toBe(0);

    const link = await call("/admin/v1/users", { method: "POST", headers: ADMIN, body: JSON.stringify({ email: "owner@example.org" }) });
    expect(link.status).toBe(200);
    const { created, sign_in_link } = await link.json<{ created: boolean; sign_in_link: string }>();
    expect(created).toBe(false);
    const opened = await call(sign_in_link.replace("http://localhost", ""), { redirect: "manual", headers: fromNewIp() });
    expect(opened.status).toBe(302);
    const me = await meOf(sessionCookie(opened));
    expect(me.projects).toEqual([
      expect.objectContaining({ id: "0b7e1f3c-5a2d-4c6e-8f90-1a2b3c4d5e6f", name: "legacy", role: "owner", created: new Date(1763629300000).toISOString() }),
    ]);
    const legacy = await (await call("/admin/v1/projects/0b7e1f3c-5a2d-4c6e-8f90-1a2b3c4d5e6f", { headers: ADMIN })).json();
    expect(legacy).toMatchObject({ owner: { id: "6f1c9a52-3d7e-4b0a-9c8e-2a4b6d8f0e11", email: "owner@example.org" }, nag_period: 3600, n_channels: 1 });
    // An owner the file does not carry cannot be brought back: that project is restored without one.
    const orphan = await (await call("/admin/v1/projects/1c8f2a4d-6b3e-4d7f-9a01-2b3c4d5e6f70", { headers: ADMIN })).json();
    expect(orphan).toMatchObject({ owner: null });
    expect(await env.DB.prepare("SELECT 1 FROM organization WHERE id = '1c8f2a4d-6b3e-4d7f-9a01-2b3c4d5e6f70'").first()).toBeNull();
  });
});

describe("import limits, enforced as the bytes arrive", () => {
  const limits = { maxBody: 1000, maxLine: 100, maxRecords: 3 };
  /** A body that arrives in pieces, without a length. */
  const streamOf = (...pieces: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
        controller.close();
      },
    });

  it("a line longer than the limit answers 413 with its line number", async () => {
    const result = await importBackup(env, streamOf("\n", "x".repeat(60), "x".repeat(60)), limits);
    expect(result).toMatchObject({ ok: false, status: 413, line: 2, error: "line 2: the line is longer than 100 bytes" });
  });

  it("a body over the limit answers 413", async () => {
    const result = await importBackup(env, streamOf(...Array.from({ length: 30 }, () => "\n".repeat(50))), limits);
    expect(result).toMatchObject({ ok: false, status: 413, error: expect.stringContaining("the request body is over 1000 bytes") });
  });

  it("more records than the limit answer 413", async () => {
    const user = (n: number) => JSON.stringify({ type: "user", row: { id: `limit-${n}`, email: `l${n}@example.com`, created: 1 } });
    const result = await importBackup(env, streamOf([1, 2, 3, 4].map(user).join("\n")), { ...limits, maxLine: 1000 });
    expect(result).toMatchObject({ ok: false, status: 413, line: 4, imported: { users: 3 } });
  });
});

describe("a check object's dump", () => {
  /** A dump as an object stored at schema version 2 (or 1: before reminders) would have been exported. */
  async function v2Dump() {
    const p = await makeProject();
    const row = await newRow(p.id, { name: "from v2" });
    // The catalog row first, as the import writes it: an object without one removes itself.
    await drizzle(env.DB).insert(checks).values(row);
    const down = Date.now() - 5 * HOUR;
    const config = { ...row, channels: "", ping_log_limit: 100, origin: "http://localhost", methods: "" };
    const dump = {
      schema_version: 2,
      state: {
        id: 1, config: JSON.stringify(config), status: "down", last_ping: down, last_start: null, last_start_rid: null, last_duration: null,
        n_pings: 1, has_confirmation_link: 0, summary_version: 4, mirror_due: null, removed: 0, nag_due: Date.now() + HOUR, nag_count: 1,
      },
      pings: [{ n: 1, created: down, kind: "fail", scheme: "http", remote_addr: null, method: "GET", ua: "", body: "", exitstatus: null, rid: null }],
      flips: [{ seq: 1, id: crypto.randomUUID(), created: down, old_status: "new", new_status: "down", reason: "fail" }],
      outbox: [],
    };
    return { row, dump, down };
  }

  it("a dump at schema version 2 is loaded into version 2 tables and migrated forward", async () => {
    const { row, dump, down } = await v2Dump();
    expect(await stub(row.id).importState(dump)).toEqual({ ok: true });
    expect((await view(row.id)).state).toMatchObject({ status: "down", n_pings: 1 });
    const stored = await runInDurableObject(stub(row.id), (_i, state) => ({
      version: state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v,
      downSince: state.storage.sql.exec("SELECT down_since FROM state").one().down_since,
    }));
    expect(stored).toEqual({ version: String(CHECK_DO_SCHEMA_VERSION), downSince: down });
    expect((await scheduled(row.id)).reminder).toBe(dump.state.nag_due);
  });

  it("a dump at schema version 1 is migrated through every step to the current version", async () => {
    const { row, dump } = await v2Dump();
    const { nag_due: _due, nag_count: _count, ...v1State } = dump.state;
    expect(await stub(row.id).importState({ ...dump, schema_version: 1, state: v1State })).toEqual({ ok: true });
    expect((await view(row.id)).state).toMatchObject({ status: "down", n_pings: 1 });
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v)).toBe(
      String(CHECK_DO_SCHEMA_VERSION),
    );
  });

  it("a dump from a newer schema version is refused and nothing is stored", async () => {
    const { row, dump } = await v2Dump();
    const result = await stub(row.id).importState({ ...dump, schema_version: CHECK_DO_SCHEMA_VERSION + 1 });
    expect(result).toEqual({
      ok: false,
      error: `the dump is at check schema version ${CHECK_DO_SCHEMA_VERSION + 1}, newer than this deployment's ${CHECK_DO_SCHEMA_VERSION}: upgrade it first`,
    });
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT name FROM sqlite_master").toArray())).toEqual([]);
  });

  it("a dump with a column its version does not have is rolled back whole", async () => {
    const { row, dump } = await v2Dump();
    const result = await stub(row.id).importState({ ...dump, flips: [{ ...dump.flips[0], surprise: 1 }] });
    expect(result).toEqual({ ok: false, error: "could not load the dump: flips has no column surprise" });
    expect(await stub(row.id).state()).toBeNull();
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'state'").toArray())).toEqual([]);
  });

  it("an export carries the object's stored schema version and its ping bodies as base64", async () => {
    const { id } = await makeCheck({ name: "exported" });
    await call(`/ping/${id}`, { method: "POST", body: "hello" });
    expect(await stub(id).exportState()).toMatchObject({ schema_version: CHECK_DO_SCHEMA_VERSION, pings: [{ n: 1, body: btoa("hello") }] });
  });
});
