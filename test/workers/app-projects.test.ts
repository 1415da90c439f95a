// The projects index and the top bar's switcher (GET /app/api/projects, /app/api/me): each project's
// overall status and counts from the D1 summaries, for every role, and nothing of projects the
// user is not in.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/checks/client";
import { app, signUp, signUpRoles, teamProject, type Role, type SignedUp } from "./account-helpers";
import { call, patchState, stub } from "./helpers";

const HOUR = 3600_000;
const users = {} as Record<Role, SignedUp>;
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

async function project(owner: SignedUp, name: string): Promise<string> {
  const res = await app("/projects", owner.cookie, { method: "POST", body: { name } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

const check = async (projectId: string, fields: { timeout?: number; grace?: number } = {}) =>
  (await createCheck(env, projectId, { name: "c", ...fields }, "http://localhost")).id;

const up = async (projectId: string) => {
  const id = await check(projectId);
  await call(`/ping/${id}`);
  return id;
};

const down = async (projectId: string) => {
  const id = await check(projectId);
  await call(`/ping/${id}/fail`);
  return id;
};

/** Pinged 1 h 5 min ago with a 1 h period and 10 min grace: late. */
async function late(projectId: string) {
  const id = await check(projectId, { timeout: 3600, grace: 600 });
  await call(`/ping/${id}`);
  const past = Date.now() - HOUR - 5 * 60_000;
  await patchState(id, { last_ping: past });
  await env.DB.prepare("UPDATE checks SET last_ping = ? WHERE id = ?").bind(past, id).run();
  return id;
}

async function channel(projectId: string, owner: SignedUp) {
  const res = await app(`/projects/${projectId}/channels`, owner.cookie, { method: "POST", body: { kind: "webhook", value: { url_down: "http://127.0.0.1:9/" } } });
  expect(res.status).toBe(201);
}

type Summary = Record<string, unknown> & { id: string };
const listOf = async (u: SignedUp): Promise<Summary[]> => (await (await app("/projects", u.cookie)).json<{ projects: Summary[] }>()).projects;
const summaryOf = async (u: SignedUp, id: string) => (await listOf(u)).find((p) => p.id === id);

describe("a project's status is its most urgent check's", () => {
  it("down before late before up, with the number of each", async () => {
    const a = await signUp();
    const p = await project(a, "Mixed");
    await up(p);
    await late(p);
    await down(p);
    await down(p);
    expect(await summaryOf(a, p)).toMatchObject({ status: "down", n_checks: 4, n_down: 2, n_grace: 1, started: false });
  });

  it("late when a check is in its grace period and none is down", async () => {
    const a = await signUp();
    const p = await project(a, "Late");
    await up(p);
    await late(p);
    expect(await summaryOf(a, p)).toMatchObject({ status: "grace", n_checks: 2, n_down: 0, n_grace: 1 });
  });

  it("up when every pinged check is up, new checks beside them or not", async () => {
    const a = await signUp();
    const p = await project(a, "Up");
    await up(p);
    await check(p);
    expect(await summaryOf(a, p)).toMatchObject({ status: "up", n_checks: 2, n_down: 0, n_grace: 0 });
  });

  it("new when no check was pinged yet, or there are no checks; paused when every check is paused", async () => {
    const a = await signUp();
    const fresh = await project(a, "Fresh");
    await check(fresh);
    const empty = await project(a, "Empty");
    const resting = await project(a, "Resting");
    await stub(await up(resting)).pause();
    expect(await summaryOf(a, fresh)).toMatchObject({ status: "new", n_checks: 1 });
    expect(await summaryOf(a, empty)).toMatchObject({ status: "new", n_checks: 0, n_down: 0, n_grace: 0, started: false });
    expect(await summaryOf(a, resting)).toMatchObject({ status: "paused", n_checks: 1 });
  });

  it("down for a run that started longer ago than its grace time; started while a run is within it", async () => {
    const a = await signUp();
    const running = await project(a, "Running");
    const r = await up(running);
    await call(`/ping/${r}/start`);
    expect(await summaryOf(a, running)).toMatchObject({ status: "up", started: true });
    const stuck = await project(a, "Stuck");
    const s = await check(stuck, { grace: 60 });
    await call(`/ping/${s}/start`);
    const past = Date.now() - 2 * 60_000;
    await patchState(s, { last_start: past });
    await env.DB.prepare("UPDATE checks SET last_start = ? WHERE id = ?").bind(past, s).run();
    expect(await summaryOf(a, stuck)).toMatchObject({ status: "down", started: false, n_down: 1 });
  });

  it("a removed check no longer counts", async () => {
    const a = await signUp();
    const p = await project(a, "Removing");
    await up(p);
    const gone = await down(p);
    await env.DB.prepare("UPDATE checks SET deleted_at = ? WHERE id = ?").bind(Date.now(), gone).run();
    expect(await summaryOf(a, p)).toMatchObject({ status: "up", n_checks: 1, n_down: 0 });
  });
});

describe("what every member sees", () => {
  it("each role sees the owner's email, its own role, and the same counts of checks and integrations", async () => {
    const id = await teamProject(users);
    await up(id);
    await down(id);
    await channel(id, users.owner);
    await channel(id, users.owner);
    for (const role of ["owner", "manager", "member", "readonly"] as const) {
      expect(await summaryOf(users[role], id)).toEqual({
        id,
        name: "Team",
        role,
        created: expect.any(String),
        owner_email: users.owner.email,
        status: "down",
        started: false,
        n_checks: 2,
        n_down: 1,
        n_grace: 0,
        n_channels: 2,
      });
    }
  });

  it("/me lists the same projects as /projects", async () => {
    const a = await signUp();
    const p = await project(a, "Second");
    await down(p);
    const me = await (await app("/me", a.cookie)).json<{ projects: Summary[] }>();
    expect(me.projects).toEqual(await listOf(a));
    expect(me.projects.map((x) => x.name)).toEqual(["My Project", "Second"]);
  });
});

describe("tenancy", () => {
  it("another project's checks and channels never count, and its project is not listed", async () => {
    const a = await signUp();
    const mine = await project(a, "Mine");
    await up(mine);
    const theirs = await project(outsider, "Theirs");
    await down(theirs);
    await late(theirs);
    await channel(theirs, outsider);
    const list = await listOf(a);
    expect(list.map((p) => p.name)).toEqual(["My Project", "Mine"]);
    expect(list.find((p) => p.id === mine)).toMatchObject({ status: "up", n_checks: 1, n_down: 0, n_grace: 0, n_channels: 0 });
    // The sign-up project has its first check only.
    expect(list[0]).toMatchObject({ status: "new", n_checks: 1, n_channels: 0 });
    expect(await summaryOf(outsider, theirs)).toMatchObject({ status: "down", n_checks: 2, n_channels: 1 });
  });

  it("a member who leaves stops seeing the project", async () => {
    const id = await teamProject(users, "Leaving");
    const b = await signUp();
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'member', ?)")
      .bind(crypto.randomUUID(), id, b.userId, Date.now())
      .run();
    expect(await summaryOf(b, id)).toBeDefined();
    expect((await app(`/projects/${id}/leave`, b.cookie, { method: "POST" })).status).toBeLessThan(300);
    expect(await summaryOf(b, id)).toBeUndefined();
  });
});
