// Accounts (issue 11): better-auth over real D1, the dashboard API's session and CSRF rules, roles.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app, fromNewIp, JSON_FROM_SITE, ORIGIN, sessionCookie, signIn, signUp } from "./account-helpers";
import { call, fetchWithVars } from "./helpers";

describe("sign-up, session, sign-out", () => {
  it("signs up, sets an HttpOnly SameSite=Lax cookie (not Secure on http://localhost) and answers /app/api/me", async () => {
    const res = await call("/app/api/auth/sign-up/email", {
      method: "POST",
      headers: { ...JSON_FROM_SITE, ...fromNewIp() },
      body: JSON.stringify({ email: "me@example.org", password: "correct horse battery", name: "Me" }),
    });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((c) => c.includes("session_token="))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i);
    const me = await app("/me", sessionCookie(res));
    expect(me.status).toBe(200);
    const body = await me.json<{ email: string; name: string; time_zone: string; projects: { role: string }[] }>();
    expect(body).toMatchObject({ email: "me@example.org", name: "Me", time_zone: "UTC" });
    expect(body.projects).toEqual([expect.objectContaining({ id: expect.any(String), name: "My Project", role: "owner", created: expect.any(String) })]);
  });

  it("makes the cookie Secure when the site is https", async () => {
    const res = await fetchWithVars({ SITE_ROOT: "https://checks.example.com" }, "/app/api/auth/sign-up/email", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://checks.example.com", ...fromNewIp() },
      body: JSON.stringify({ email: `${crypto.randomUUID()}@example.org`, password: "correct horse battery", name: "S" }),
    });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((c) => c.includes("session_token="))!;
    expect(set).toMatch(/; Secure/i);
    expect(set).toMatch(/HttpOnly/i);
  });

  it("creates the default project with one check, My First Check (my-first-check)", async () => {
    const { userId } = await signUp();
    const project = await env.DB.prepare("SELECT id, name, owner_id FROM projects WHERE owner_id = ?").bind(userId).first<{ id: string }>();
    expect(project).toMatchObject({ name: "My Project", owner_id: userId });
    const checks = await env.DB.prepare("SELECT name, slug FROM checks WHERE project_id = ?").bind(project!.id).all();
    expect(checks.results).toEqual([{ name: "My First Check", slug: "my-first-check" }]);
    const owner = await env.DB.prepare("SELECT role FROM member WHERE organization_id = ? AND user_id = ?").bind(project!.id, userId).first();
    expect(owner).toEqual({ role: "owner" });
  });

  it("answers 401 without a session, and for a cookie after sign-out (the session is revoked server-side)", async () => {
    expect((await app("/me", "")).status).toBe(401);
    expect(await (await app("/me", "")).json()).toEqual({ error: "not signed in" });
    const { cookie } = await signUp();
    expect((await app("/me", cookie)).status).toBe(200);
    const out = await call("/app/api/auth/sign-out", { method: "POST", headers: { Cookie: cookie, Origin: ORIGIN, ...fromNewIp() } });
    expect(out.status).toBe(200);
    // The stolen copy of the cookie, presented again after sign-out:
    const after = await app("/me", cookie);
    expect(after.status).toBe(401);
  });

  it("signs in with the password, and refuses a wrong one without saying whether the email exists", async () => {
    const { email, password } = await signUp();
    const ok = await signIn(email, password);
    expect(ok.status).toBe(200);
    expect((await app("/me", sessionCookie(ok))).status).toBe(200);
    const wrong = await signIn(email, "not the password");
    const unknown = await signIn(`${crypto.randomUUID()}@example.org`, "not the password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("stores passwords as versioned PBKDF2-SHA256 strings", async () => {
    const { userId } = await signUp();
    const row = await env.DB.prepare("SELECT password FROM account WHERE user_id = ?").bind(userId).first<{ password: string }>();
    expect(row!.password).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  });

  it("refuses a second sign-up for an address (422, as docs/compatibility.md says), leaving the account as it was", async () => {
    const { email, cookie } = await signUp();
    const again = await call("/app/api/auth/sign-up/email", {
      method: "POST",
      headers: { ...JSON_FROM_SITE, ...fromNewIp() },
      body: JSON.stringify({ email, password: "another password", name: "Mallory" }),
    });
    expect(again.status).toBe(422);
    expect((await app("/me", cookie)).status).toBe(200);
    expect((await signIn(email, "another password")).status).toBe(401);
  });

  it("refuses sign-up with 403 when REGISTRATION_OPEN is false", async () => {
    const email = `${crypto.randomUUID()}@example.org`;
    const res = await fetchWithVars({ REGISTRATION_OPEN: "false" }, "/app/api/auth/sign-up/email", {
      method: "POST",
      headers: { ...JSON_FROM_SITE, ...fromNewIp() },
      body: JSON.stringify({ email, password: "correct horse battery", name: "N" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "registration is closed on this site" });
    expect(await env.DB.prepare("SELECT 1 FROM user WHERE email = ?").bind(email).first()).toBeNull();
  });

  it("refuses the 6th sign-in in a minute for one email, even with the right password, from any address", async () => {
    const { email, password } = await signUp();
    for (let i = 0; i < 5; i++) expect((await signIn(email, "wrong password")).status).toBe(401);
    const sixth = await signIn(email, password);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.getSetCookie().some((c) => c.includes("session_token="))).toBe(false);
  });
});

describe("CSRF", () => {
  it("refuses a cross-site POST to the dashboard API (403, nothing created)", async () => {
    const { cookie } = await signUp();
    for (const origin of ["https://evil.example", null]) {
      const res = await app("/projects", cookie, { method: "POST", body: { name: "csrf" }, origin });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: "cross-site request refused: Origin does not match this site" });
    }
    const list = await (await app("/projects", cookie)).json<{ projects: { name: string }[] }>();
    expect(list.projects.map((p) => p.name)).toEqual(["My Project"]);
  });

  it("refuses a cross-site sign-in or sign-out through the library's Origin check", async () => {
    const { email, password, cookie } = await signUp();
    const res = await call("/app/api/auth/sign-in/email", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://evil.example", ...fromNewIp() },
      body: JSON.stringify({ email, password }),
    });
    expect(res.status).toBe(403);
    const out = await call("/app/api/auth/sign-out", { method: "POST", headers: { Cookie: cookie, Origin: "https://evil.example", ...fromNewIp() } });
    expect(out.status).toBe(403);
    expect((await app("/me", cookie)).status).toBe(200);
  });
});

describe("projects and roles", () => {
  async function addMember(projectId: string, userId: string, role: string) {
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(crypto.randomUUID(), projectId, userId, role, Date.now())
      .run();
  }
  const projectRow = (id: string) => env.DB.prepare("SELECT name, deleted_at FROM projects WHERE id = ?").bind(id).first();

  it("creates, lists, renames and deletes the caller's projects", async () => {
    const { cookie } = await signUp();
    const created = await app("/projects", cookie, { method: "POST", body: { name: "Second" } });
    expect(created.status).toBe(201);
    const p = await created.json<{ id: string; name: string; role: string }>();
    expect(p).toMatchObject({ name: "Second", role: "owner" });
    const renamed = await app(`/projects/${p.id}`, cookie, { method: "PATCH", body: { name: "Renamed" } });
    expect(await renamed.json()).toEqual({ id: p.id, name: "Renamed" });
    const org = await env.DB.prepare("SELECT name FROM organization WHERE id = ?").bind(p.id).first();
    expect(org).toEqual({ name: "Renamed" });
    expect((await app(`/projects/${p.id}`, cookie, { method: "DELETE" })).status).toBe(200);
    const list = await (await app("/projects", cookie)).json<{ projects: { name: string }[] }>();
    expect(list.projects.map((x) => x.name)).toEqual(["My Project"]);
    expect(await projectRow(p.id)).toBeNull();
  });

  it("refuses bad names with a 400", async () => {
    const { cookie } = await signUp();
    const res = await app("/projects", cookie, { method: "POST", body: { name: "  " } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "json validation error: name must not be empty" });
  });

  it("a read-only member can read but not rename or delete (403, nothing changes)", async () => {
    const owner = await signUp();
    const ro = await signUp();
    const [project] = (await (await app("/projects", owner.cookie)).json<{ projects: { id: string }[] }>()).projects;
    await addMember(project!.id, ro.userId, "readonly");
    const seen = await (await app("/projects", ro.cookie)).json<{ projects: { id: string; role: string }[] }>();
    expect(seen.projects).toContainEqual(expect.objectContaining({ id: project!.id, role: "readonly" }));
    const before = await projectRow(project!.id);
    const rename = await app(`/projects/${project!.id}`, ro.cookie, { method: "PATCH", body: { name: "hijacked" } });
    expect(rename.status).toBe(403);
    expect(await rename.json()).toEqual({ error: "your role (readonly) does not allow this" });
    expect((await app(`/projects/${project!.id}`, ro.cookie, { method: "DELETE" })).status).toBe(403);
    expect(await projectRow(project!.id)).toEqual(before);
  });

  it("members and managers may rename; only the owner may delete", async () => {
    const owner = await signUp();
    const [project] = (await (await app("/projects", owner.cookie)).json<{ projects: { id: string }[] }>()).projects;
    for (const role of ["member", "manager"]) {
      const u = await signUp();
      await addMember(project!.id, u.userId, role);
      expect((await app(`/projects/${project!.id}`, u.cookie, { method: "PATCH", body: { name: `by ${role}` } })).status).toBe(200);
      expect((await app(`/projects/${project!.id}`, u.cookie, { method: "DELETE" })).status).toBe(403);
      expect(await projectRow(project!.id)).toEqual({ name: `by ${role}`, deleted_at: null });
    }
  });

  it("a member of project A reaches nothing of project B by id (404, nothing changes)", async () => {
    const a = await signUp();
    const b = await signUp();
    const [projectB] = (await (await app("/projects", b.cookie)).json<{ projects: { id: string }[] }>()).projects;
    const before = await projectRow(projectB!.id);
    for (const [method, body] of [["PATCH", { name: "x" }], ["DELETE", undefined]] as const) {
      const res = await app(`/projects/${projectB!.id}`, a.cookie, { method, body });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "project not found" });
    }
    expect(await projectRow(projectB!.id)).toEqual(before);
    const mine = await (await app("/projects", a.cookie)).json<{ projects: { id: string }[] }>();
    expect(mine.projects.map((p) => p.id)).not.toContain(projectB!.id);
  });

  it("shows the owner in the admin API", async () => {
    const { email, userId } = await signUp();
    const project = await env.DB.prepare("SELECT id FROM projects WHERE owner_id = ?").bind(userId).first<{ id: string }>();
    const res = await call(`/admin/v1/projects/${project!.id}`, { headers: { Authorization: "Bearer test-admin-token" } });
    expect(await res.json()).toMatchObject({ id: project!.id, owner: { id: userId, email } });
  });
});
