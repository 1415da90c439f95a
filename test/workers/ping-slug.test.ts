// Reference §5 cases 33-34: slug pings and auto-provisioning, plus the per-check rate limit.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, fetchWithVars, freezeClock, makeCheck, makeProject, pings, view } from "./helpers";


async function checkIdsWithSlug(projectId: string, slug: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id FROM checks WHERE project_id = ? AND slug = ?")
    .bind(projectId, slug)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

describe("ping by slug", () => {
  it("answers 200 OK with CORS and never-cache headers", async () => {
    const { project, id } = await makeCheck({ slug: "foo" });
    const res = await call(`/ping/${project.ping_key}/foo`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cache-Control")).toContain("no-cache");
    expect((await view(id)).state.status).toBe("up");
  });

  it("handles /fail, /start, /log, /0 and /123 like the uuid forms", async () => {
    const { project, id } = await makeCheck({ slug: "foo" });
    for (const suffix of ["start", "0", "log", "fail", "123"]) {
      expect((await call(`/ping/${project.ping_key}/foo/${suffix}`)).status).toBe(200);
    }
    expect((await pings(id)).map((p) => [p.kind, p.exitstatus])).toEqual([
      ["fail", 123],
      ["fail", null],
      ["log", null],
      ["success", 0],
      ["start", null],
    ]);
    expect((await call(`/ping/${project.ping_key}/foo/256`)).status).toBe(400);
  });

  it("answers 409 `ambiguous slug` when two checks share the slug", async () => {
    const { project } = await makeCheck({ slug: "foo" });
    await makeCheck({ slug: "foo" }, project);
    const res = await call(`/ping/${project.ping_key}/foo`);
    expect(res.status).toBe(409);
    expect(await res.text()).toBe("ambiguous slug");
  });

  it("answers 404 for an unknown ping key", async () => {
    await makeCheck({ slug: "foo" });
    const res = await call("/ping/rrrrrrrrrrrrrrrrrrrrrr/foo");
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not found");
  });

  it("answers 400 `invalid url format` for an uppercase slug", async () => {
    const { project } = await makeCheck({ slug: "foo" });
    const res = await call(`/ping/${project.ping_key}/fooFOO`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("invalid url format");
  });

  it("reaches a check whose slug is a keyword or digits", async () => {
    const { project, id } = await makeCheck({ slug: "fail" });
    await call(`/ping/${project.ping_key}/fail`);
    expect((await pings(id))[0]!.kind).toBe("success");
  });

  it("does not reach another project's check with the same slug", async () => {
    const a = await makeCheck({ slug: "shared" });
    const b = await makeCheck({ slug: "shared" });
    await call(`/ping/${a.project.ping_key}/shared`);
    expect((await view(a.id)).state.n_pings).toBe(1);
    expect((await view(b.id)).state.n_pings).toBe(0);
  });
});

describe("slug auto-provisioning", () => {
  it("creates the missing check with ?create=1: 201 Created, name=slug, one ping, every channel", async () => {
    const project = await makeProject();
    const channelIds = [crypto.randomUUID(), crypto.randomUUID()];
    for (const cid of channelIds) {
      await env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, 'c', 'webhook', '{}', 0)")
        .bind(cid, project.id)
        .run();
    }
    const res = await call(`/ping/${project.ping_key}/new-job?create=1`);
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("Created");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const [id] = await checkIdsWithSlug(project.id, "new-job");
    const v = await view(id!);
    expect(v.config).toMatchObject({ name: "new-job", slug: "new-job", kind: "simple", timeout: 86400, grace: 3600 });
    expect(v.config.channels).toBe([...channelIds].sort().join(","));
    expect(v.state.n_pings).toBe(1);
    const { results } = await env.DB.prepare("SELECT channel_id FROM check_channels WHERE check_id = ?").bind(id).all();
    expect(results).toHaveLength(2);
    // A second ping finds the check: 200, not 201.
    expect((await call(`/ping/${project.ping_key}/new-job?create=1`)).status).toBe(200);
  });

  it("is off by default: 404 and nothing created", async () => {
    const project = await makeProject();
    expect((await call(`/ping/${project.ping_key}/nope`)).status).toBe(404);
    expect((await call(`/ping/${project.ping_key}/nope?create=true`)).status).toBe(404);
    expect(await checkIdsWithSlug(project.id, "nope")).toEqual([]);
  });

  it("answers 404 when the ping key matches no project", async () => {
    expect((await call("/ping/rrrrrrrrrrrrrrrrrrrrrr/foo?create=1")).status).toBe(404);
  });

  it("stops at twice CHECK_LIMIT", async () => {
    const { project } = await makeCheck();
    await makeCheck({}, project);
    const full = await fetchWithVars({ CHECK_LIMIT: "1" }, `/ping/${project.ping_key}/third?create=1`);
    expect(full.status).toBe(404);
    expect(await checkIdsWithSlug(project.id, "third")).toEqual([]);
    const room = await fetchWithVars({ CHECK_LIMIT: "2" }, `/ping/${project.ping_key}/third?create=1`);
    expect(room.status).toBe(201);
  });

  it("creates exactly one check under concurrent auto-provisioning pings", async () => {
    const project = await makeProject();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(`/ping/${project.ping_key}/racy?create=1`).then((r) => r.status)),
    );
    expect(results.filter((s) => s === 201)).toHaveLength(1);
    expect(results.every((s) => s === 200 || s === 201)).toBe(true);
    const ids = await checkIdsWithSlug(project.id, "racy");
    expect(ids).toHaveLength(1);
    expect((await view(ids[0]!)).state.n_pings).toBe(20);
  }, 60_000); // many requests: seconds, not milliseconds, on a loaded machine

  it("keeps the created check when the ping itself is refused", async () => {
    const project = await makeProject();
    expect((await call(`/ping/${project.ping_key}/bad-exit/300?create=1`)).status).toBe(400);
    expect(await checkIdsWithSlug(project.id, "bad-exit")).toHaveLength(1);
  });
});

describe("per-check rate limit", () => {
  // The clock stands still, so every ping falls in one 10 s window however slow the machine is.
  afterEach(() => {
    vi.useRealTimers();
  });

  it("drops uuid pings past PING_RATE_LIMIT but still answers 200 OK", async () => {
    const { id } = await makeCheck();
    freezeClock();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetchWithVars({ PING_RATE_LIMIT: "3" }, `/ping/${id}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect((await view(id)).state.n_pings).toBe(3);
  });

  it("answers slug pings past PING_RATE_LIMIT with 429", async () => {
    const { id, project } = await makeCheck({ slug: "busy" });
    freezeClock();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetchWithVars({ PING_RATE_LIMIT: "3" }, `/ping/${project.ping_key}/busy`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await view(id)).state.n_pings).toBe(3);
  });

  it("counts afresh 10 s after the window opened", async () => {
    const { id } = await makeCheck();
    const clock = freezeClock();
    for (let i = 0; i < 3; i++) await fetchWithVars({ PING_RATE_LIMIT: "2" }, `/ping/${id}`);
    expect((await view(id)).state.n_pings).toBe(2);
    clock.advance(9_999);
    await fetchWithVars({ PING_RATE_LIMIT: "2" }, `/ping/${id}`);
    expect((await view(id)).state.n_pings).toBe(2);
    clock.advance(1);
    for (let i = 0; i < 3; i++) await fetchWithVars({ PING_RATE_LIMIT: "2" }, `/ping/${id}`);
    expect((await view(id)).state.n_pings).toBe(4);
  });
});
