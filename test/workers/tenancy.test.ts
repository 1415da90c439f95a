// invariant 6 in docs/architecture.md: project A's credentials can neither read, change nor discover project B's data.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, makeProject, type TestProject } from "./helpers";

type Json = Record<string, unknown>;

const as = (key: string, path: string, init: RequestInit = {}) =>
  call(path, { ...init, headers: { "X-Api-Key": key, ...(init.headers ?? {}) } });

/** Project B has a check with slug "secret" (pinged once), a channel; A starts empty. */
async function setup() {
  const a = await makeProject("a");
  const b = await makeProject("b");
  const bCheck = await (
    await as(b.api_key, "/api/v3/checks/", { method: "POST", body: JSON.stringify({ name: "secret", slug: "secret", tags: "prod" }) })
  ).json<Json>();
  expect(bCheck).toMatchObject({ slug: "secret" });
  await call(`/ping/${bCheck.uuid}`, { method: "POST", body: "b's body" });
  const bChannel = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, 'b-ops', 'webhook', '{}', 0)")
    .bind(bChannel, b.id)
    .run();
  const bRo = (await (await as(b.api_key_readonly, "/api/v3/checks/")).json<{ checks: Json[] }>()).checks[0]!;
  return { a, b, uuid: bCheck.uuid as string, uniqueKey: bRo.unique_key as string, bChannel };
}

/** A check in A with the same slug as B's. */
async function sameSlugInA(a: TestProject): Promise<string> {
  const res = await as(a.api_key, "/api/v3/checks/", { method: "POST", body: JSON.stringify({ name: "a's secret", slug: "secret" }) });
  expect(res.status).toBe(201);
  return (await res.json<Json>()).uuid as string;
}

async function nPings(project: TestProject, uuid: string): Promise<number> {
  return (await (await as(project.api_key, `/api/v3/checks/${uuid}`)).json<Json>()).n_pings as number;
}

async function unchanged(b: TestProject, uuid: string) {
  const res = await as(b.api_key, `/api/v3/checks/${uuid}`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ name: "secret", status: "up", n_pings: 1 });
}

describe("tenancy", () => {
  it("A's keys get 403 on every path to B's check by uuid, and change nothing", async () => {
    const { a, b, uuid } = await setup();
    const attempts: [string, string, RequestInit?][] = [
      ["GET", `/api/v3/checks/${uuid}`],
      ["POST", `/api/v3/checks/${uuid}`, { body: JSON.stringify({ name: "pwned" }) }],
      ["POST", `/api/v3/checks/${uuid}/pause`],
      ["POST", `/api/v3/checks/${uuid}/resume`],
      ["DELETE", `/api/v3/checks/${uuid}`],
      ["GET", `/api/v3/checks/${uuid}/pings/`],
      ["GET", `/api/v3/checks/${uuid}/pings/1/body`],
      ["GET", `/api/v3/checks/${uuid}/flips/`],
    ];
    for (const [method, path, init] of attempts) {
      const res = await as(a.api_key, path, { method, ...init });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
      expect(await res.text()).not.toContain("b's body");
    }
    for (const path of [`/api/v3/checks/${uuid}`, `/api/v3/checks/${uuid}/flips/`]) {
      expect((await as(a.api_key_readonly, path)).status).toBe(403);
    }
    await unchanged(b, uuid);
  });

  it("A's keys cannot find B's check by unique_key, slug or tag", async () => {
    const { a, b, uuid, uniqueKey } = await setup();
    const aUuid = await sameSlugInA(a);
    for (const key of [a.api_key, a.api_key_readonly]) {
      const { checks } = await (await as(key, "/api/v3/checks/?slug=secret")).json<{ checks: Json[] }>();
      expect(checks.map((c) => c.name)).toEqual(["a's secret"]);
    }
    const aList = await (await as(a.api_key, "/api/v3/checks/?slug=secret")).json<{ checks: Json[] }>();
    expect(aList.checks.map((c) => c.uuid)).toEqual([aUuid]);
    const bList = await (await as(b.api_key, "/api/v3/checks/?slug=secret")).json<{ checks: Json[] }>();
    expect(bList.checks.map((c) => c.uuid)).toEqual([uuid]);
    expect((await as(a.api_key_readonly, `/api/v3/checks/${uniqueKey}`)).status).toBe(404);
    expect((await as(a.api_key_readonly, `/api/v3/checks/${uniqueKey}/flips/`)).status).toBe(404);
    const list = await (await as(a.api_key, "/api/v3/checks/?tag=prod")).json<{ checks: unknown[] }>();
    expect(list.checks).toEqual([]);
    const badges = await (await as(a.api_key, "/api/v3/badges/")).json<{ badges: Json }>();
    expect(Object.keys(badges.badges)).toEqual(["*"]);
  });

  it("A cannot list, nor attach, B's channels", async () => {
    const { a, bChannel } = await setup();
    expect(await (await as(a.api_key, "/api/v3/channels/")).json()).toEqual({ channels: [] });
    for (const channels of [bChannel, "b-ops"]) {
      const res = await as(a.api_key, "/api/v3/checks/", { method: "POST", body: JSON.stringify({ name: "x", channels }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: `invalid channel identifier: ${channels}` });
    }
  });

  it("B's metrics URL is useless with A's read-only key", async () => {
    const { a, b } = await setup();
    expect((await call(`/projects/${b.id}/metrics/${a.api_key_readonly}`)).status).toBe(403);
    const res = await call(`/projects/${b.id}/metrics/`, { headers: { Authorization: `Bearer ${a.api_key_readonly}` } });
    expect(res.status).toBe(403);
  });

  it("B's badge key with a signature made for A is refused", async () => {
    const { a, b } = await setup();
    const aBadges = await (await as(a.api_key, "/api/v3/badges/")).json<{ badges: Record<string, Record<string, string>> }>();
    const aUrl = new URL(aBadges.badges["*"]!.json!);
    const bKey = (await env.DB.prepare("SELECT badge_key FROM projects WHERE id = ?").bind(b.id).first<{ badge_key: string }>())!.badge_key;
    const aKey = aUrl.pathname.split("/")[2]!;
    expect((await call(aUrl.pathname)).status).toBe(200);
    expect((await call(aUrl.pathname.replace(aKey, bKey))).status).toBe(404);
  });

  it("A's ping key does not reach B's check with a slug only B has", async () => {
    const { a, b, uuid } = await setup();
    expect((await call(`/ping/${a.ping_key}/secret`)).status).toBe(404);
    await unchanged(b, uuid);
  });

  it("each project's ping key reaches only its own check when both have the same slug", async () => {
    const { a, b, uuid } = await setup();
    const aUuid = await sameSlugInA(a);
    expect((await call(`/ping/${a.ping_key}/secret`)).status).toBe(200);
    expect(await nPings(a, aUuid)).toBe(1);
    expect(await nPings(b, uuid)).toBe(1);
    expect((await call(`/ping/${b.ping_key}/secret`)).status).toBe(200);
    expect(await nPings(a, aUuid)).toBe(1);
    expect(await nPings(b, uuid)).toBe(2);
  });

  it("A's ping key with ?create=1 for a slug only B has creates a new check in A and leaves B alone", async () => {
    const { a, b, uuid } = await setup();
    const res = await call(`/ping/${a.ping_key}/secret?create=1`);
    expect(res.status).toBe(201);
    const { checks } = await (await as(a.api_key, "/api/v3/checks/")).json<{ checks: Json[] }>();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ slug: "secret", n_pings: 1 });
    expect(checks[0]!.uuid).not.toBe(uuid);
    const bChecks = await (await as(b.api_key, "/api/v3/checks/")).json<{ checks: Json[] }>();
    expect(bChecks.checks.map((c) => c.uuid)).toEqual([uuid]);
    await unchanged(b, uuid);
  });
});
