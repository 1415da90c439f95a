// /admin/v1 provisioning: tokens, key formats, hashed storage, listing, rotation, deletion.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { projectForApiKey } from "../../src/auth/keys";
import { app, signUp } from "./account-helpers";
import { ADMIN, call, fetchWithVars, makeCheck, makeProject, stub } from "./helpers";


const post = (path: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  call(path, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("admin authentication", () => {
  it("does not exist without ADMIN_TOKEN", async () => {
    const res = await fetchWithVars({ ADMIN_TOKEN: "" }, "/admin/v1/projects", { headers: ADMIN });
    expect(res.status).toBe(404);
  });

  it("answers 401 with a JSON error for a missing token", async () => {
    const res = await call("/admin/v1/projects");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "missing admin token" });
  });

  it("answers 401 with a JSON error for a wrong token", async () => {
    const res = await call("/admin/v1/projects", { headers: { Authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "wrong admin token" });
  });
});

describe("POST /admin/v1/projects", () => {
  it("creates a project and shows its keys once, in Healthchecks' formats", async () => {
    const res = await post("/admin/v1/projects", { name: "Backups" });
    expect(res.status).toBe(201);
    const p = await res.json<Record<string, string>>();
    expect(Object.keys(p).sort()).toEqual(["api_key", "api_key_readonly", "id", "name", "ping_key"]);
    expect(p.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.name).toBe("Backups");
    expect(p.api_key).toMatch(/^hcw_[A-Za-z0-9]{28}$/);
    expect(p.api_key_readonly).toMatch(/^hcr_[A-Za-z0-9]{28}$/);
    expect(p.ping_key).toMatch(/^[a-z0-9]{22}$/);
  });

  it("stores keys hashed, never in plaintext", async () => {
    const p = await makeProject();
    const row = await env.DB.prepare("SELECT * FROM projects WHERE id = ?").bind(p.id).first<Record<string, string>>();
    const dump = JSON.stringify(row);
    for (const secret of [p.api_key, p.api_key_readonly, p.ping_key]) expect(dump).not.toContain(secret);
    expect(row!.api_key).toMatch(new RegExp(`^${p.api_key.slice(0, 8)}\\.[0-9a-f]{64}$`));
  });

  it("resolves each API key to its project and role, and nothing else", async () => {
    const [a, b] = [await makeProject("a"), await makeProject("b")];
    expect(await projectForApiKey(env.DB, a.api_key, "test-secret-key")).toEqual({ projectId: a.id, readonly: false });
    expect(await projectForApiKey(env.DB, a.api_key_readonly, "test-secret-key")).toEqual({ projectId: a.id, readonly: true });
    expect(await projectForApiKey(env.DB, b.api_key, "test-secret-key")).toEqual({ projectId: b.id, readonly: false });
    const forged = a.api_key.slice(0, 8) + b.api_key.slice(8);
    expect(await projectForApiKey(env.DB, forged, "test-secret-key")).toBeNull();
    expect(await projectForApiKey(env.DB, a.api_key, "another-secret")).toBeNull();
  });

  it("rejects bad input with a JSON error and creates nothing", async () => {
    const before = (await (await call("/admin/v1/projects", { headers: ADMIN })).json<{ projects: unknown[] }>()).projects.length;
    const cases: [unknown, string][] = [
      ["{not json", "could not parse request body"],
      ["[1]", "json validation error: value is not an object"],
      [{}, "json validation error: name must be a string"],
      [{ name: "" }, "json validation error: name is required"],
      [{ name: 5 }, "json validation error: name must be a string"],
      [{ name: "x".repeat(201) }, "json validation error: name is too long"],
    ];
    for (const [body, error] of cases) {
      const res = await post("/admin/v1/projects", body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error });
    }
    const after = (await (await call("/admin/v1/projects", { headers: ADMIN })).json<{ projects: unknown[] }>()).projects.length;
    expect(after).toBe(before);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const res = await post("/admin/v1/projects", JSON.stringify({ name: "x".repeat(1_100_000) }));
    expect(res.status).toBe(413);
  });

  it("refuses a streamed body over 1 MiB with 413 without a Content-Length", async () => {
    const chunk = new TextEncoder().encode("x".repeat(65_536));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 20) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await call("/admin/v1/projects", { method: "POST", headers: ADMIN, body });
    expect(res.status).toBe(413);
    expect(sent).toBeLessThanOrEqual(18);
  });
});

describe("GET /admin/v1/projects", () => {
  it("lists projects without keys", async () => {
    const p = await makeProject("listed");
    await makeCheck({}, p);
    const res = await call("/admin/v1/projects", { headers: ADMIN });
    expect(res.status).toBe(200);
    const { projects } = await res.json<{ projects: Record<string, unknown>[] }>();
    const mine = projects.find((x) => x.id === p.id);
    expect(mine).toMatchObject({ name: "listed", n_checks: 1 });
    expect(JSON.stringify(projects)).not.toContain(p.api_key);
  });
});

describe("GET /admin/v1/projects/<id>", () => {
  it("shows the project's fields and live counts, without keys", async () => {
    const p = await makeProject("shown");
    await makeCheck({}, p);
    const gone = await makeCheck({}, p);
    await env.DB.prepare("UPDATE checks SET deleted_at = 1 WHERE id = ?").bind(gone.id).run();
    await env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, 'c', 'webhook', '{}', 0)")
      .bind(crypto.randomUUID(), p.id)
      .run();
    await call(`/admin/v1/projects/${p.id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ nag_period: 86400 }) });
    const res = await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toEqual({ id: p.id, name: "shown", owner: null, nag_period: 86400, n_checks: 1, n_channels: 1, created: expect.any(String) });
    expect(new Date(body.created as string).toISOString()).toBe(body.created);
  });

  it("shows the owner (id and email) when the project has an owner", async () => {
    const p = await makeProject();
    const user = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO user (id, name, email, updated_at) VALUES (?, 'u', ?, 0)").bind(user, `${user}@example.org`),
      env.DB.prepare("UPDATE projects SET owner_id = ? WHERE id = ?").bind(user, p.id),
    ]);
    const res = await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN });
    expect(await res.json()).toMatchObject({ id: p.id, owner: { id: user, email: `${user}@example.org` } });
  });

  it("answers 401 without the admin token", async () => {
    const p = await makeProject();
    const res = await call(`/admin/v1/projects/${p.id}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "missing admin token" });
  });

  it("answers 404 with a JSON error for an unknown, malformed or deleted project", async () => {
    const deleted = await makeProject();
    await call(`/admin/v1/projects/${deleted.id}`, { method: "DELETE", headers: ADMIN });
    for (const id of [crypto.randomUUID(), "not-a-uuid", deleted.id]) {
      const res = await call(`/admin/v1/projects/${id}`, { headers: ADMIN });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "project not found" });
    }
  });

  it("answers 404 for a project whose deletion is still in progress", async () => {
    const p = await makeProject();
    await env.DB.prepare("UPDATE projects SET deleted_at = 1 WHERE id = ?").bind(p.id).run();
    expect((await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN })).status).toBe(404);
  });
});

describe("POST /admin/v1/projects/<id>/keys", () => {
  it("rotates the ping key: the old one stops working at once", async () => {
    const { project, id } = await makeCheck({ slug: "job" });
    const res = await post(`/admin/v1/projects/${project.id}/keys`, { kind: "ping_key" });
    expect(res.status).toBe(200);
    const { ping_key } = await res.json<{ ping_key: string }>();
    expect(ping_key).toMatch(/^[a-z0-9]{22}$/);
    expect((await call(`/ping/${project.ping_key}/job`)).status).toBe(404);
    expect((await call(`/ping/${ping_key}/job`)).status).toBe(200);
    expect((await stub(id).state())!.state.n_pings).toBe(1);
  });

  it("rotates the read-write and read-only API keys", async () => {
    const p = await makeProject();
    const rw = await (await post(`/admin/v1/projects/${p.id}/keys`, { kind: "api_key" })).json<{ api_key: string }>();
    const ro = await (await post(`/admin/v1/projects/${p.id}/keys`, { kind: "api_key_readonly" })).json<{ api_key_readonly: string }>();
    expect(rw.api_key).toMatch(/^hcw_/);
    expect(ro.api_key_readonly).toMatch(/^hcr_/);
    expect(await projectForApiKey(env.DB, p.api_key, "test-secret-key")).toBeNull();
    expect(await projectForApiKey(env.DB, p.api_key_readonly, "test-secret-key")).toBeNull();
    expect(await projectForApiKey(env.DB, rw.api_key, "test-secret-key")).toEqual({ projectId: p.id, readonly: false });
    expect(await projectForApiKey(env.DB, ro.api_key_readonly, "test-secret-key")).toEqual({ projectId: p.id, readonly: true });
  });

  it("rejects an unknown key kind and an unknown project", async () => {
    const p = await makeProject();
    const bad = await post(`/admin/v1/projects/${p.id}/keys`, { kind: "badge_key" });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toContain("kind must be one of");
    expect((await post(`/admin/v1/projects/${crypto.randomUUID()}/keys`, { kind: "api_key" })).status).toBe(404);
    expect((await post("/admin/v1/projects/not-a-uuid/keys", { kind: "api_key" })).status).toBe(404);
  });
});

describe("PATCH /admin/v1/projects/<id> owner", () => {
  const patch = (id: string, body: unknown) => call(`/admin/v1/projects/${id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify(body) });
  const members = async (id: string) =>
    (await env.DB.prepare("SELECT user_id, role FROM member WHERE organization_id = ? ORDER BY role").bind(id).all()).results;

  it("gives a project made here an owner: owner_id, its organization and an owner member row; the owner sees it", async () => {
    const p = await makeProject("handed over");
    const u = await signUp();
    const res = await patch(p.id, { owner: u.email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: p.id, owner: { id: u.userId, email: u.email } });
    expect(await env.DB.prepare("SELECT owner_id FROM projects WHERE id = ?").bind(p.id).first()).toEqual({ owner_id: u.userId });
    expect(await env.DB.prepare("SELECT name, slug FROM organization WHERE id = ?").bind(p.id).first()).toEqual({ name: "handed over", slug: p.id });
    expect(await members(p.id)).toEqual([{ user_id: u.userId, role: "owner" }]);
    const mine = await (await app("/projects", u.cookie)).json<{ projects: { id: string; role: string }[] }>();
    expect(mine.projects).toContainEqual(expect.objectContaining({ id: p.id, role: "owner" }));
    // The project's keys made here still work.
    expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": p.api_key } })).status).toBe(200);

    const shown = await (await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN })).json();
    expect(shown).toMatchObject({ owner: { id: u.userId, email: u.email } });
    const { projects } = await (await call("/admin/v1/projects", { headers: ADMIN })).json<{ projects: { id: string; owner: unknown }[] }>();
    expect(projects.find((x) => x.id === p.id)!.owner).toEqual({ id: u.userId, email: u.email });
    expect(projects.find((x) => x.owner === null)).toBeDefined();
  });

  it("upgrades an existing member; the previous owner becomes a member; a pending transfer is dropped", async () => {
    const old = await signUp();
    const next = await signUp();
    const id = (await env.DB.prepare("SELECT id FROM projects WHERE owner_id = ?").bind(old.userId).first<{ id: string }>())!.id;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'readonly', 0)").bind(crypto.randomUUID(), id, next.userId),
      env.DB.prepare("UPDATE projects SET transfer_to = ?, transfer_requested_at = 1 WHERE id = ?").bind(next.userId, id),
    ]);
    expect((await patch(id, { owner: next.email, nag_period: 3600 })).status).toBe(200);
    expect(await members(id)).toEqual([
      { user_id: old.userId, role: "member" },
      { user_id: next.userId, role: "owner" },
    ]);
    expect(await env.DB.prepare("SELECT owner_id, transfer_to, nag_period FROM projects WHERE id = ?").bind(id).first()).toEqual({
      owner_id: next.userId,
      transfer_to: null,
      nag_period: 3600,
    });
  });

  it("answers 404 for an unknown email or project and 400 for an empty change, changing nothing", async () => {
    const p = await makeProject();
    const unknown = await patch(p.id, { owner: "nobody-here@example.org" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "no user with the email nobody-here@example.org" });
    const u = await signUp();
    expect((await patch(crypto.randomUUID(), { owner: u.email })).status).toBe(404);
    const empty = await patch(p.id, {});
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: "json validation error: give nag_period or owner (or both)" });
    expect(await env.DB.prepare("SELECT owner_id FROM projects WHERE id = ?").bind(p.id).first()).toEqual({ owner_id: null });
    expect(await env.DB.prepare("SELECT 1 FROM organization WHERE id = ?").bind(p.id).first()).toBeNull();
  });
});

describe("DELETE /admin/v1/projects/<id>", () => {
  it("removes the project, its checks with their objects' state, and its channels", async () => {
    const { project, id } = await makeCheck({ slug: "gone" });
    const channel = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, 'c', 'webhook', '{}', 0)").bind(channel, project.id),
      env.DB.prepare("INSERT INTO check_channels (check_id, channel_id) VALUES (?, ?)").bind(id, channel),
    ]);
    await call(`/ping/${id}`);
    const res = await call(`/admin/v1/projects/${project.id}`, { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(200);
    expect((await call(`/ping/${id}`)).status).toBe(404);
    expect((await call(`/ping/${project.ping_key}/gone`)).status).toBe(404);
    for (const [table, col, value] of [
      ["projects", "id", project.id],
      ["checks", "id", id],
      ["channels", "id", channel],
      ["check_channels", "check_id", id],
    ]) {
      expect(await env.DB.prepare(`SELECT 1 FROM ${table} WHERE ${col} = ?`).bind(value).first()).toBeNull();
    }
    const tables = await runInDurableObject(stub(id), (_i, state) => state.storage.sql.exec("SELECT name FROM sqlite_master").toArray());
    expect(tables).toEqual([]);
    expect(await projectForApiKey(env.DB, project.api_key, "test-secret-key")).toBeNull();
    expect((await call(`/admin/v1/projects/${project.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
  });

  it("removes an owned project's team too (organization, members, invitations)", async () => {
    const { project } = await makeCheck();
    const user = await signUp();
    expect((await call(`/admin/v1/projects/${project.id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ owner: user.email }) })).status).toBe(200);
    expect((await call(`/admin/v1/projects/${project.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(200);
    expect(await env.DB.prepare("SELECT 1 FROM organization WHERE id = ?").bind(project.id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM member WHERE organization_id = ?").bind(project.id).first()).toBeNull();
  });

  it("does not touch other projects", async () => {
    const a = await makeCheck();
    const b = await makeCheck();
    await call(`/admin/v1/projects/${a.project.id}`, { method: "DELETE", headers: ADMIN });
    expect((await call(`/ping/${b.id}`)).status).toBe(200);
  });
});
