// Management API v1/v2/v3 (reference API §1), through the Worker's HTTP interface.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, call, fetchWithVars, makeCheck, makeProject, patchState, type TestProject } from "./helpers";

type Json = Record<string, unknown>;


async function create(project: TestProject, body: Json, v: 1 | 2 | 3 = 3): Promise<Json> {
  const res = await api(project, "/checks/", { body, v });
  expect(res.status).toBe(201);
  return res.json<Json>();
}

async function addChannel(projectId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, ?, 'webhook', '{}', ?)")
    .bind(id, projectId, name, Date.now())
    .run();
  return id;
}

describe("authentication", () => {
  it("answers 401 missing api key for no key or a key that is not 32 characters", async () => {
    for (const key of ["", "short"]) {
      const res = await api(key, "/checks/");
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "missing api key" });
    }
  });

  it("answers 401 wrong api key for an unknown key", async () => {
    const res = await api("hcw_" + "x".repeat(28), "/checks/");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "wrong api key" });
  });

  it("refuses the read-only key on write endpoints with 401 wrong api key", async () => {
    const p = await makeProject();
    const res = await api(p, "/checks/", { body: { name: "x" }, ro: true });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "wrong api key" });
    expect((await api(p, "/channels/", { ro: true })).status).toBe(401);
  });

  it("accepts api_key in a POST body", async () => {
    const p = await makeProject();
    const res = await call("/api/v3/checks/", { method: "POST", body: JSON.stringify({ api_key: p.api_key, name: "from body" }) });
    expect(res.status).toBe(201);
  });

  it("parses the body before the key: a non-JSON body is 400 even without a key", async () => {
    const res = await call("/api/v3/checks/", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "could not parse request body" });
    const arr = await call("/api/v3/checks/", { method: "POST", body: "[]" });
    expect(await arr.json()).toEqual({ error: "json validation error: value is not an object" });
  });
});

describe("CORS", () => {
  it("answers OPTIONS with 204 and the allowed methods, without a key", async () => {
    const res = await call("/api/v3/checks/", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("X-Api-Key, Content-Type");
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET, POST, OPTIONS");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("600");
  });

  it("answers a method the endpoint does not take with 405", async () => {
    expect((await call("/api/v3/checks/", { method: "PUT" })).status).toBe(405);
  });
});

describe("create", () => {
  it("creates a check with Healthchecks' defaults and renders every field", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "Backups", tags: "prod db", desc: "nightly" });
    expect(Object.keys(check)).toEqual([
      "name", "slug", "tags", "desc", "grace", "n_pings", "status", "started", "last_ping", "next_ping",
      "manual_resume", "methods", "subject", "subject_fail", "start_kw", "success_kw", "failure_kw",
      "filter_subject", "filter_body", "filter_http_body", "filter_default_fail", "badge_url",
      "uuid", "ping_url", "update_url", "pause_url", "resume_url", "channels", "timeout",
    ]);
    expect(check).toMatchObject({ name: "Backups", slug: "", tags: "prod db", grace: 3600, timeout: 86400, status: "new", n_pings: 0, started: false, last_ping: null, next_ping: null, channels: "" });
    expect(check.ping_url).toBe(`http://localhost/ping/${check.uuid}`);
    expect(check.update_url).toBe(`http://localhost/api/v3/checks/${check.uuid}`);
  });

  it("takes schedule over timeout and guesses cron vs OnCalendar", async () => {
    const p = await makeProject();
    const cron = await create(p, { schedule: "0 9 * * 1-5", timeout: 120, tz: "Europe/Riga" });
    expect(cron).toMatchObject({ schedule: "0 9 * * 1-5", tz: "Europe/Riga" });
    expect(cron.timeout).toBeUndefined();
    const onc = await create(p, { schedule: "Mon *-*-* 09:00" });
    expect(onc.schedule).toBe("Mon *-*-* 09:00");
  });

  it("reports the first validation error with Healthchecks' messages", async () => {
    const p = await makeProject();
    const cases: [Json, string][] = [
      [{ timeout: 0 }, "timeout is too small"],
      [{ timeout: 31536001 }, "timeout is too large"],
      [{ timeout: 60.5 }, "timeout is not a number"],
      [{ timeout: true }, "timeout is too small"],
      [{ grace: "60" }, "grace is not a number"],
      [{ name: null }, "name is not a string"],
      [{ name: "x".repeat(101) }, "name is too long"],
      [{ slug: "Uppercase" }, "slug does not match pattern"],
      [{ schedule: "x".repeat(101) }, "schedule is too long"],
      [{ schedule: "* * * * * *" }, "schedule is not a valid cron or OnCalendar expression"],
      [{ schedule: "0 0 31 2 *" }, "schedule is not a valid cron or OnCalendar expression"],
      [{ tz: "Europe/Surprise" }, "tz is not a valid timezone"],
      [{ methods: "PUT" }, "methods has unexpected value"],
      [{ manual_resume: "yes" }, "manual_resume is not a boolean"],
      [{ channels: 1 }, "channels is not a string"],
      [{ unique: "name" }, "unique is not an array"],
      [{ unique: ["desc"] }, "an item in 'unique' has unexpected value"],
    ];
    for (const [body, message] of cases) {
      const res = await api(p, "/checks/", { body });
      expect({ body, status: res.status, json: await res.json() }).toEqual({ body, status: 400, json: { error: `json validation error: ${message}` } });
    }
    const list = await (await api(p, "/checks/")).json<{ checks: unknown[] }>();
    expect(list.checks).toEqual([]);
  });

  it("upserts with unique: 200 for a match, 201 otherwise", async () => {
    const p = await makeProject();
    const first = await create(p, { name: "db", unique: ["name"] });
    const again = await api(p, "/checks/", { body: { name: "db", tags: "x", unique: ["name"] } });
    expect(again.status).toBe(200);
    const matched = await again.json<Json>();
    expect(matched.uuid).toBe(first.uuid);
    expect(matched.tags).toBe("x");
    // A named field missing from the request: no lookup, a new check.
    expect((await api(p, "/checks/", { body: { tags: "x", unique: ["name"] } })).status).toBe(201);
  });

  it("creates exactly one check for 200 concurrent creates with the same unique name", async () => {
    const p = await makeProject();
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () => api(p, "/checks/", { body: { name: "racy", unique: ["name"] } }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(199);
    const { checks } = await (await api(p, "/checks/")).json<{ checks: Json[] }>();
    expect(checks.filter((c) => c.name === "racy")).toHaveLength(1);
  }, 60_000); // many requests: seconds, not milliseconds, on a loaded machine

  it("answers 403 at CHECK_LIMIT", async () => {
    const p = await makeProject();
    await create(p, { name: "one" });
    const res = await fetchWithVars({ CHECK_LIMIT: "1" }, "/api/v3/checks/", {
      method: "POST",
      headers: { "X-Api-Key": p.api_key },
      body: JSON.stringify({ name: "two" }),
    });
    expect(res.status).toBe(403);
  });

  it("assigns channels by id or name; bad identifiers are 400 and create nothing", async () => {
    const p = await makeProject();
    const a = await addChannel(p.id, "ops");
    const b = await addChannel(p.id, "dev");
    const check = await create(p, { name: "c", channels: `ops,${b}` });
    expect(check.channels).toBe([a, b].sort().join(","));
    expect((await create(p, { channels: "*" })).channels).toBe([a, b].sort().join(","));
    const other = await makeProject();
    const foreign = await addChannel(other.id, "theirs");
    for (const [channels, error] of [
      [",", "empty channel identifier"],
      ["nope", "invalid channel identifier: nope"],
      [foreign, `invalid channel identifier: ${foreign}`],
    ]) {
      const res = await api(p, "/checks/", { body: { name: "bad", channels } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: error });
    }
    const { checks } = await (await api(p, "/checks/")).json<{ checks: Json[] }>();
    expect(checks.some((c) => c.name === "bad")).toBe(false);
  });
});

describe("versions", () => {
  it("v1 and v2 derive the slug from the name, v3 does not", async () => {
    const p = await makeProject();
    expect((await create(p, { name: "Nightly Backup!" }, 1)).slug).toBe("nightly-backup");
    expect((await create(p, { name: "Nightly Backup!" }, 2)).slug).toBe("nightly-backup");
    expect((await create(p, { name: "Nightly Backup!" }, 3)).slug).toBe("");
    expect((await create(p, { name: "Nightly Backup!", slug: "own" }, 1)).slug).toBe("own");
  });

  it("v1 reports a running check as started, v2 and v3 separately", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "job" });
    await call(`/ping/${check.uuid}/start`);
    const v1 = await (await api(p, `/checks/${check.uuid}`, { v: 1 })).json<Json>();
    const v3 = await (await api(p, `/checks/${check.uuid}`)).json<Json>();
    expect(v1).toMatchObject({ status: "started", started: true });
    expect(v3).toMatchObject({ status: "new", started: true });
    expect(v1.update_url).toBe(`http://localhost/api/v1/checks/${check.uuid}`);
  });
});

describe("read", () => {
  it("lists the project's checks with tag (all must match, whole tokens) and slug filters", async () => {
    const p = await makeProject();
    await create(p, { name: "a", tags: "a1 prod", slug: "a" });
    await create(p, { name: "b", tags: "a1-tag prod", slug: "b" });
    await makeCheck({ name: "other project", tags: "prod" });
    const names = async (q: string) =>
      ((await (await api(p, `/checks/${q}`)).json<{ checks: Json[] }>()).checks.map((c) => c.name) as string[]).sort();
    expect(await names("")).toEqual(["a", "b"]);
    expect(await names("?tag=prod")).toEqual(["a", "b"]);
    expect(await names("?tag=a1")).toEqual(["a"]);
    expect(await names("?tag=a1&tag=prod")).toEqual(["a"]);
    expect(await names("?slug=b")).toEqual(["b"]);
    expect(await names("?slug=zzz")).toEqual([]);
  });

  it("the list shows a status change as soon as the ping is answered", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x" });
    await call(`/ping/${check.uuid}/fail`);
    const { checks } = await (await api(p, "/checks/")).json<{ checks: Json[] }>();
    expect(checks[0]).toMatchObject({ status: "down", n_pings: 1 });
  });

  it("read-only keys see unique_key instead of uuid and URLs", async () => {
    const p = await makeProject();
    await create(p, { name: "x" });
    const [ro] = (await (await api(p, "/checks/", { ro: true })).json<{ checks: Json[] }>()).checks;
    expect(ro!.unique_key).toMatch(/^[0-9a-f]{40}$/);
    for (const k of ["uuid", "ping_url", "update_url", "pause_url", "resume_url", "channels"]) expect(ro![k]).toBeUndefined();
    const byKey = await api(p, `/checks/${ro!.unique_key}`, { ro: true });
    expect(byKey.status).toBe(200);
    expect((await byKey.json<Json>()).name).toBe("x");
  });

  it("gets one check: 404 unknown, 403 another project's", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "mine" });
    expect((await api(p, `/checks/${check.uuid}`)).status).toBe(200);
    expect((await api(p, `/checks/${crypto.randomUUID()}`)).status).toBe(404);
    const other = await makeProject();
    expect((await api(other, `/checks/${check.uuid}`)).status).toBe(403);
    expect((await api(other, `/checks/${check.uuid}`, { ro: true })).status).toBe(403);
  });
});

describe("update, pause, resume, delete", () => {
  it("changes only the fields given", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x", tags: "t", timeout: 600 });
    const res = await api(p, `/checks/${check.uuid}`, { body: { grace: 120 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "x", tags: "t", timeout: 600, grace: 120 });
  });

  it("recomputes the deadline when the schedule changes", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x" });
    await call(`/ping/${check.uuid}`);
    const res = await api(p, `/checks/${check.uuid}`, { body: { timeout: 60, grace: 60 } });
    const body = await res.json<Json>();
    const next = Date.parse(body.next_ping as string);
    const last = Date.parse(body.last_ping as string);
    expect(next - last).toBeGreaterThanOrEqual(59_000);
    expect(next - last).toBeLessThanOrEqual(61_000);
  });

  it("pauses, and resumes only a paused check", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x" });
    const notPaused = await api(p, `/checks/${check.uuid}/resume`, { method: "POST" });
    expect(notPaused.status).toBe(409);
    expect(await notPaused.text()).toBe("check is not paused");
    expect(await (await api(p, `/checks/${check.uuid}/pause`, { method: "POST" })).json()).toMatchObject({ status: "paused" });
    expect(await (await api(p, `/checks/${check.uuid}/pause`, { method: "POST" })).json()).toMatchObject({ status: "paused" });
    expect(await (await api(p, `/checks/${check.uuid}/resume`, { method: "POST" })).json()).toMatchObject({ status: "new" });
  });

  it("deletes and answers with the deleted check", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "gone" });
    const res = await api(p, `/checks/${check.uuid}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "gone", uuid: check.uuid });
    expect((await api(p, `/checks/${check.uuid}`)).status).toBe(404);
    expect((await call(`/ping/${check.uuid}`)).status).toBe(404);
  });

  it("another project's key can neither change, pause nor delete a check", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "mine" });
    const other = await makeProject();
    expect((await api(other, `/checks/${check.uuid}`, { body: { name: "theirs" } })).status).toBe(403);
    expect((await api(other, `/checks/${check.uuid}/pause`, { method: "POST" })).status).toBe(403);
    expect((await api(other, `/checks/${check.uuid}`, { method: "DELETE" })).status).toBe(403);
    expect((await api(other, `/checks/${check.uuid}/pings/`)).status).toBe(403);
    expect((await api(other, `/checks/${check.uuid}/flips/`)).status).toBe(403);
    expect(await (await api(p, `/checks/${check.uuid}`)).json()).toMatchObject({ name: "mine", status: "new" });
  });
});

describe("pings and flips", () => {
  it("lists pings newest first with durations and body URLs; bodies as text", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x" });
    await call(`/ping/${check.uuid}/start`);
    await patchState(check.uuid as string, { last_start: Date.now() - 5000 });
    await call(`/ping/${check.uuid}`, { method: "POST", body: "all good", headers: { "User-Agent": "cron" } });
    const { pings } = await (await api(p, `/checks/${check.uuid}/pings/`)).json<{ pings: Json[] }>();
    expect(pings).toHaveLength(2);
    expect(pings[0]).toMatchObject({ type: "success", n: 2, method: "POST", ua: "cron", rid: null });
    expect(pings[0]!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(pings[0]!.body_url).toBe(`http://localhost/api/v3/checks/${check.uuid}/pings/2/body`);
    expect(pings[1]).toMatchObject({ type: "start", body_url: null });
    expect(pings[1]!.duration).toBeUndefined();
    const body = await api(p, `/checks/${check.uuid}/pings/2/body`);
    expect(body.headers.get("Content-Type")).toBe("text/plain");
    expect(await body.text()).toBe("all good");
    expect((await api(p, `/checks/${check.uuid}/pings/1/body`)).status).toBe(404);
    expect((await api(p, `/checks/${check.uuid}/pings/`, { ro: true })).status).toBe(401);
  });

  it("lists flips as {flips: [...]} newest first, with filters", async () => {
    const p = await makeProject();
    const check = await create(p, { name: "x" });
    await call(`/ping/${check.uuid}`);
    await call(`/ping/${check.uuid}/fail`);
    const res = await api(p, `/checks/${check.uuid}/flips/`);
    const { flips } = await res.json<{ flips: Json[] }>();
    expect(flips.map((f) => f.up)).toEqual([0, 1]);
    expect(flips[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const future = Math.floor(Date.now() / 1000) + 100;
    expect((await (await api(p, `/checks/${check.uuid}/flips/?start=${future}`)).json<{ flips: Json[] }>()).flips).toEqual([]);
    expect((await (await api(p, `/checks/${check.uuid}/flips/?seconds=3600`)).json<{ flips: Json[] }>()).flips).toHaveLength(2);
    expect((await api(p, `/checks/${check.uuid}/flips/?seconds=-1`)).status).toBe(400);
    expect((await api(p, `/checks/${check.uuid}/flips/?end=99999999999`)).status).toBe(400);
  });
});

describe("channels and status", () => {
  it("lists the project's channels for the read-write key", async () => {
    const p = await makeProject();
    const id = await addChannel(p.id, "ops");
    await addChannel((await makeProject()).id, "not mine");
    expect(await (await api(p, "/channels/")).json()).toEqual({ channels: [{ id, name: "ops", kind: "webhook" }] });
  });

  it("answers GET /api/v3/status/ with OK", async () => {
    const res = await call("/api/v3/status/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });
});

describe("badges list", () => {
  it("lists badge URLs per tag and for all checks; each URL serves the badge", async () => {
    const p = await makeProject();
    await create(p, { name: "a", tags: "prod db@dc1" });
    const res = await api(p, "/badges/", { ro: true });
    expect(res.status).toBe(200);
    const { badges } = await res.json<{ badges: Record<string, Record<string, string>> }>();
    expect(Object.keys(badges)).toEqual(["db@dc1", "prod", "*"]);
    expect(Object.keys(badges.prod!)).toEqual(["svg", "svg3", "json", "json3", "shields", "shields3"]);
    expect(badges["db@dc1"]!.svg).toContain("/db%2540dc1.svg");
    for (const url of [badges.prod!.json3!, badges["db@dc1"]!.json!, badges["*"]!.shields!]) {
      const badge = await call(new URL(url).pathname);
      expect({ url, status: badge.status }).toEqual({ url, status: 200 });
    }
    expect(await (await call(new URL(badges.prod!.json3!).pathname)).json()).toEqual({ status: "up", total: 1, grace: 0, down: 0 });
  });
});
