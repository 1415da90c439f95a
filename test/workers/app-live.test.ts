// Live updates (issue 12): a dashboard's WebSocket to its project's object hears about pings, status
// changes, alerts and removals of the project's checks, and nothing of other projects; only members
// may open one, only from the site's own pages; a removed member's socket is closed.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/checks/client";
import { projectObject } from "../../src/projects/live";
import { addMember, app, ORIGIN, ROLES, signUp, signUpRoles, teamProject, type Role, type SignedUp } from "./account-helpers";
import { call } from "./helpers";

type Event = { type: string; uuid: string };

const users = {} as Record<Role, SignedUp>;
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

const handshake = (projectId: string, cookie: string, headers: Record<string, string> = { Origin: ORIGIN }) =>
  call(`/app/api/projects/${projectId}/live`, { headers: { Upgrade: "websocket", Cookie: cookie, ...headers } });

/** An open dashboard socket: every event it hears, and a way to wait for one (the test's timeout bounds the wait). */
async function listen(projectId: string, who: SignedUp) {
  const res = await handshake(projectId, who.cookie);
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const heard: Event[] = [];
  const waiters: (() => void)[] = [];
  let closed: CloseEvent | null = null;
  ws.addEventListener("message", (m) => {
    if (typeof m.data === "string" && m.data !== "pong") heard.push(...(JSON.parse(m.data) as Event[]));
    for (const w of waiters.splice(0)) w();
  });
  ws.addEventListener("close", (e) => {
    closed = e;
    for (const w of waiters.splice(0)) w();
  });
  const next = () => new Promise<void>((resolve) => waiters.push(resolve));
  return {
    ws,
    heard,
    async until(pred: (e: Event) => boolean): Promise<Event> {
      for (;;) {
        const found = heard.find(pred);
        if (found) return found;
        await next();
      }
    },
    async closedWith(): Promise<CloseEvent> {
      while (closed === null) await next();
      return closed;
    },
    /** A heartbeat round trip: the socket is still open and answered. */
    async settle(): Promise<void> {
      ws.send("ping");
      await new Promise<void>((resolve) => {
        const onPong = (m: MessageEvent) => {
          if (m.data === "pong") {
            ws.removeEventListener("message", onPong);
            resolve();
          }
        };
        ws.addEventListener("message", onPong);
      });
    },
  };
}

describe("the live feed of a project", () => {
  it("tells an open dashboard about a ping, a status change and a removal of one of its checks", async () => {
    const projectId = await teamProject(users);
    const row = await createCheck(env, projectId, { name: "backup", timeout: 3600 }, ORIGIN, []);
    const feed = await listen(projectId, users.readonly);
    expect((await call(`/ping/${row.id}`)).status).toBe(200);
    await feed.until((e) => e.type === "check" && e.uuid === row.id);
    // The list it refetches already has the new status (the event follows the summary write).
    const list = await (await app(`/projects/${projectId}/checks`, users.readonly.cookie)).json<{ checks: { uuid: string; status: string }[] }>();
    expect(list.checks.find((c) => c.uuid === row.id)?.status).toBe("up");
    expect((await app(`/projects/${projectId}/checks/${row.id}`, users.owner.cookie, { method: "DELETE" })).status).toBe(200);
    await feed.until((e) => e.type === "removed" && e.uuid === row.id);
    feed.ws.close();
  });

  it("costs an unwatched project's object nothing: check objects call it only while a dashboard may be open", async () => {
    const projectId = await teamProject(users);
    const row = await createCheck(env, projectId, { name: "quiet" }, ORIGIN, []);
    const liveUntil = async () => (await env.DB.prepare("SELECT live_until FROM projects WHERE id = ?").bind(projectId).first<{ live_until: number | null }>())!.live_until;
    expect(await liveUntil()).toBeNull();
    // new → up and up → down: each writes its summary before the answer.
    await call(`/ping/${row.id}`);
    await call(`/ping/${row.id}/fail`);
    expect((await projectObject(env, projectId).stats()).published).toBe(0);
    // A dashboard opens: the project is watched for the next minutes, and changes are told.
    const feed = await listen(projectId, users.owner);
    expect(await liveUntil()).toBeGreaterThan(Date.now() + 5 * 60_000);
    await call(`/ping/${row.id}`);
    await feed.until((e) => e.type === "check" && e.uuid === row.id);
    expect((await projectObject(env, projectId).stats()).published).toBeGreaterThan(0);
    feed.ws.close();
  });

  it("hears nothing of another project's checks", async () => {
    const mine = await teamProject(users);
    const other = (await (await app("/projects", outsider.cookie, { method: "POST", body: { name: "Elsewhere" } })).json<{ id: string }>()).id;
    const theirs = await createCheck(env, other, { name: "theirs" }, ORIGIN, []);
    const ours = await createCheck(env, mine, { name: "ours" }, ORIGIN, []);
    const feed = await listen(mine, users.member);
    await call(`/ping/${theirs.id}`);
    await call(`/ping/${ours.id}`);
    await feed.until((e) => e.uuid === ours.id);
    expect(feed.heard.filter((e) => e.uuid === theirs.id)).toEqual([]);
    feed.ws.close();
  });

  it("tells dashboards about alert deliveries", async () => {
    const projectId = await teamProject(users);
    const row = await createCheck(env, projectId, { name: "nightly" }, ORIGIN, []);
    const feed = await listen(projectId, users.owner);
    await call(`/ping/${row.id}/fail`);
    await feed.until((e) => e.type === "alert" && e.uuid === row.id);
    feed.ws.close();
  });

  it("closes a member's dashboards when they are removed, and only theirs", async () => {
    const projectId = await teamProject(users);
    const removed = await signUp();
    await addMember(projectId, removed.userId, "member");
    const theirs = await listen(projectId, removed);
    const owners = await listen(projectId, users.owner);
    expect((await app(`/projects/${projectId}/members/${removed.userId}`, users.owner.cookie, { method: "DELETE" })).status).toBe(200);
    expect((await theirs.closedWith()).code).toBe(4403);
    await owners.settle();
    expect(owners.ws.readyState).toBe(WebSocket.OPEN);
    // And they cannot open a new one.
    expect((await handshake(projectId, removed.cookie)).status).toBe(404);
    owners.ws.close();
  });

  it("closes every dashboard when the project is deleted", async () => {
    const projectId = await teamProject(users);
    const feed = await listen(projectId, users.manager);
    expect((await app(`/projects/${projectId}`, users.owner.cookie, { method: "DELETE" })).status).toBe(200);
    expect((await feed.closedWith()).code).toBe(4403);
  });

  it("is open to every role, and refused without a session, to outsiders, cross-site and without an upgrade", async () => {
    const projectId = await teamProject(users);
    for (const role of ROLES) {
      const res = await handshake(projectId, users[role].cookie);
      expect(res.status, role).toBe(101);
      res.webSocket!.accept();
      res.webSocket!.close();
    }
    const refusals: [Response, number][] = [
      [await handshake(projectId, ""), 401],
      [await handshake(projectId, outsider.cookie), 404],
      [await handshake(projectId, users.owner.cookie, { Origin: "https://evil.example" }), 403],
      [await handshake(projectId, users.owner.cookie, {}), 403],
      [await app(`/projects/${projectId}/live`, users.owner.cookie), 426],
    ];
    for (const [res, status] of refusals) {
      expect(res.status).toBe(status);
      expect(await res.json()).toHaveProperty("error");
    }
  });
});
