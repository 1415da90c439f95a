// The dashboard API's checks (issue 12): the list, details, event log and every change the check
// pages make, for every role, between projects, and against the Management API's answers for the
// same input. Real D1 and check objects, HTTP through the Worker.
import { env, exports } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { hc } from "hono/client";
import { beforeAll, describe, expect, it } from "vitest";
import { pageEvents } from "../../src/app/events";
import type { AppType } from "../../src/app/routes";
import { createCheck } from "../../src/checks/client";
import { newRow } from "../../src/checks/repository";
import { checks as checksTable } from "../../src/db/schema";
import { app, describeCapabilities, ORIGIN, teamProject, ROLES, signUp, signUpRoles, type Capability, type Role, type SignedUp, WRITERS } from "./account-helpers";
import { api, call, pings, stub } from "./helpers";


type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const users = {} as Record<Role, SignedUp>;
/** Someone in another project only. */
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

/** A fresh project of users.owner with a member of each role. */
const team = (): Promise<string> => teamProject(users);

/** A project's read-write API key (made through the dashboard), to see the same state through the Management API. */
async function apiKey(projectId: string): Promise<string> {
  const res = await app(`/projects/${projectId}/keys/api_key`, users.owner.cookie, { method: "POST" });
  return (await res.json<{ key: string }>()).key;
}

async function channel(projectId: string, name = "hook"): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO channels (id, project_id, name, kind, value, created) VALUES (?, ?, ?, 'webhook', ?, ?)")
    .bind(id, projectId, name, JSON.stringify({ url_down: "http://127.0.0.1:9/down" }), Date.now())
    .run();
  return id;
}

const check = (projectId: string, fields = {}, channelIds: string[] = []) => createCheck(env, projectId, fields, "http://localhost", channelIds);

const rows = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).all<Json>()).results;

/** Everything a check write could change: catalog rows, assignments, and each object's status and log. */
async function projectState(projectId: string) {
  const catalog = await rows("SELECT * FROM checks WHERE project_id = ? ORDER BY id", projectId);
  const assignments = await rows(
    "SELECT cc.check_id, cc.channel_id FROM check_channels cc JOIN checks c ON c.id = cc.check_id WHERE c.project_id = ? ORDER BY 1, 2",
    projectId,
  );
  const objects = await Promise.all(
    catalog.map(async (r) => {
      const v = (await stub(r.id).state()) as Json | null;
      return [v?.state.status ?? null, v?.config.version ?? null, (await pings(r.id)).length];
    }),
  );
  return { catalog, assignments, objects };
}

const ping = (uuid: string, suffix = "", init: RequestInit = {}) => call(`/ping/${uuid}${suffix}`, init);

const apiCheck = async (projectId: string, uuid: string) => (await api(await apiKey(projectId), `/checks/${uuid}`)).json<Json>();

const capabilities: Capability[] = [
  {
    name: "list checks",
    allowed: ROLES,
    prepare: async (id) => (await check(id, { name: "listed", tags: "a b" }, [await channel(id)])).id,
    act: (id, _uuid, u) => app(`/projects/${id}/checks`, u.cookie),
    effect: async (id, uuid, res) => {
      const body = await res.json<{ checks: Json[]; channels: Json[] }>();
      expect(body.checks.map((c) => c.uuid)).toContain(uuid);
      const listed = body.checks.find((c) => c.uuid === uuid)!;
      expect(listed).toMatchObject({ name: "listed", tags: "a b", status: "new", ping_url: `http://localhost/ping/${uuid}` });
      expect(listed.channels).toEqual([body.channels.find((ch) => ch.name === "hook")!.id]);
      expect(body.channels.map((ch) => Object.keys(ch).sort())).toContainEqual(["id", "kind", "name"]);
      void id;
    },
  },
  {
    name: "read a check's details",
    allowed: ROLES,
    prepare: async (id) => (await check(id, { name: "detailed" })).id,
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}`, u.cookie),
    effect: async (_id, uuid, res) => {
      const body = await res.json<Json>();
      expect(body).toMatchObject({ uuid, name: "detailed", filter_default_fail: false, methods: "" });
      expect(body.downtimes).toHaveLength(3);
    },
  },
  {
    name: "read the event log",
    allowed: ROLES,
    prepare: async (id) => {
      const { id: uuid } = await check(id);
      await ping(uuid);
      return uuid;
    },
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}/events`, u.cookie),
    effect: async (_id, _uuid, res) => {
      const body = await res.json<{ events: Json[] }>();
      expect(body.events.map((e) => e.type)).toEqual(["flip", "success"]);
    },
  },
  {
    name: "read one ping with its body",
    allowed: ROLES,
    prepare: async (id) => {
      const { id: uuid } = await check(id);
      await ping(uuid, "", { method: "POST", body: "hello" });
      return uuid;
    },
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}/pings/1`, u.cookie),
    effect: async (_id, _uuid, res) => expect(await res.json()).toMatchObject({ n: 1, type: "success", body: "hello" }),
  },
  {
    name: "create a check",
    allowed: WRITERS,
    prepare: async (id) => {
      await channel(id, "first");
      await channel(id, "second");
      return "";
    },
    act: (id, _uuid, u) =>
      app(`/projects/${id}/checks`, u.cookie, {
        method: "POST",
        body: { name: "Nightly", slug: "nightly", tags: "db", kind: "cron", schedule: "0 3 * * *", tz: "Europe/Riga", grace: 600, timeout: 120 },
      }),
    effect: async (id, _uuid, res) => {
      expect(res.status).toBe(201);
      const made = await res.json<Json>();
      expect(made).toMatchObject({ name: "Nightly", slug: "nightly", kind: "cron", schedule: "0 3 * * *", tz: "Europe/Riga", grace: 600, timeout: 86400 });
      // Every channel of the project, as Healthchecks' UI assigns them.
      expect(made.channels).toHaveLength(2);
      const seen = await apiCheck(id, made.uuid);
      expect(seen).toMatchObject({ name: "Nightly", slug: "nightly", tags: "db", schedule: "0 3 * * *", tz: "Europe/Riga", grace: 600 });
      expect(seen.channels.split(",").sort()).toEqual([...made.channels].sort());
    },
  },
  {
    name: "edit name, slug, tags, description and filtering rules",
    allowed: WRITERS,
    prepare: async (id) => (await check(id, { name: "before" })).id,
    act: (id, uuid, u) =>
      app(`/projects/${id}/checks/${uuid}`, u.cookie, {
        method: "PATCH",
        body: { name: "after", slug: "after", tags: "x y", desc: "what it does", methods: "POST", filter_body: true, success_kw: "done", failure_kw: "error", filter_default_fail: true, manual_resume: true },
      }),
    effect: async (id, uuid, res) => {
      expect(await res.json()).toMatchObject({ name: "after", methods: "POST", filter_body: true });
      expect(await apiCheck(id, uuid)).toMatchObject({
        name: "after",
        slug: "after",
        tags: "x y",
        desc: "what it does",
        methods: "POST",
        filter_body: true,
        success_kw: "done",
        failure_kw: "error",
        filter_default_fail: true,
        manual_resume: true,
      });
    },
  },
  {
    // The schedule dialog's tabs: the named kind decides, the other tab's field is ignored.
    name: "change the schedule to a simple period",
    allowed: WRITERS,
    prepare: async (id) => (await check(id, { kind: "cron", schedule: "*/5 * * * *" })).id,
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}`, u.cookie, { method: "PATCH", body: { kind: "simple", timeout: 3600, grace: 120, schedule: "0 0 * * *" } }),
    effect: async (id, uuid) => {
      const seen = await apiCheck(id, uuid);
      expect(seen).toMatchObject({ timeout: 3600, grace: 120 });
      expect(seen.schedule).toBeUndefined();
    },
  },
  {
    name: "pause",
    allowed: WRITERS,
    prepare: async (id) => (await check(id)).id,
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}/pause`, u.cookie, { method: "POST" }),
    effect: async (id, uuid, res) => {
      expect(await res.json()).toMatchObject({ uuid, status: "paused" });
      expect((await apiCheck(id, uuid)).status).toBe("paused");
    },
  },
  {
    name: "resume",
    allowed: WRITERS,
    prepare: async (id) => {
      const { id: uuid } = await check(id);
      await stub(uuid).pause();
      return uuid;
    },
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}/resume`, u.cookie, { method: "POST" }),
    effect: async (id, uuid) => expect((await apiCheck(id, uuid)).status).toBe("new"),
  },
  {
    name: "clear events",
    allowed: WRITERS,
    prepare: async (id) => {
      const { id: uuid } = await check(id);
      await ping(uuid, "/fail");
      return uuid;
    },
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}/clear`, u.cookie, { method: "POST" }),
    effect: async (id, uuid, res) => {
      expect(await res.json()).toMatchObject({ status: "new", last_ping: null });
      const key = await apiKey(id);
      expect(await (await api(key, `/checks/${uuid}/pings/`)).json()).toEqual({ pings: [] });
      expect(await (await api(key, `/checks/${uuid}/flips/`)).json()).toEqual({ flips: [] });
      expect((await api(key, `/checks/${uuid}`).then((r) => r.json<Json>())).status).toBe("new");
    },
  },
  {
    name: "delete",
    allowed: WRITERS,
    prepare: async (id) => (await check(id)).id,
    act: (id, uuid, u) => app(`/projects/${id}/checks/${uuid}`, u.cookie, { method: "DELETE" }),
    effect: async (id, uuid, res) => {
      expect(await res.json()).toEqual({ uuid, deleted: true });
      expect((await api(await apiKey(id), `/checks/${uuid}`)).status).toBe(404);
      expect(await rows("SELECT id FROM checks WHERE id = ?", uuid)).toEqual([]);
    },
  },
  {
    name: "switch a channel on",
    allowed: WRITERS,
    prepare: async (id) => {
      await channel(id, "toggled");
      return (await check(id)).id;
    },
    act: async (id, uuid, u) => {
      const [ch] = await rows("SELECT id FROM channels WHERE project_id = ? AND name = 'toggled'", id);
      return app(`/projects/${id}/checks/${uuid}/channels/${ch!.id}`, u.cookie, { method: "PUT", body: { on: true } });
    },
    effect: async (id, uuid, res) => {
      const [ch] = await rows("SELECT id FROM channels WHERE project_id = ? AND name = 'toggled'", id);
      expect(await res.json()).toEqual({ uuid, channel: ch!.id, on: true, channels: [ch!.id] });
      expect((await apiCheck(id, uuid)).channels).toBe(ch!.id);
      // The object has it too: its configuration is what alerts are sent from.
      expect(((await stub(uuid).state()) as Json).config.channels).toBe(ch!.id);
    },
  },
  {
    name: "switch a channel off",
    allowed: WRITERS,
    prepare: async (id) => (await check(id, {}, [await channel(id, "toggled")])).id,
    act: async (id, uuid, u) => {
      const [ch] = await rows("SELECT id FROM channels WHERE project_id = ? AND name = 'toggled'", id);
      return app(`/projects/${id}/checks/${uuid}/channels/${ch!.id}`, u.cookie, { method: "PUT", body: { on: false } });
    },
    effect: async (id, uuid) => {
      expect((await apiCheck(id, uuid)).channels).toBe("");
      expect(((await stub(uuid).state()) as Json).config.channels).toBe("");
    },
  },
];

describeCapabilities(capabilities, { users, team, state: projectState });

describe("tenancy", () => {
  it("a member of one project gets 404 for another project's checks, by either project's id", async () => {
    const mine = await team();
    const theirs = (await (await app("/projects", outsider.cookie, { method: "POST", body: { name: "Theirs" } })).json<{ id: string }>()).id;
    const { id: foreign } = await check(theirs, { name: "secret" });
    const before = await projectState(theirs);
    expect((await app(`/projects/${theirs}/checks`, users.member.cookie)).status).toBe(404);
    expect((await app(`/projects/${theirs}/checks/${foreign}`, users.member.cookie)).status).toBe(404);
    const attempts: [string, string, unknown?][] = [
      ["GET", ""],
      ["GET", "/events"],
      ["GET", "/pings/1"],
      ["PATCH", "", { name: "stolen" }],
      ["POST", "/pause"],
      ["POST", "/resume"],
      ["POST", "/clear"],
      ["DELETE", ""],
    ];
    for (const [method, suffix, body] of attempts) {
      const res = await app(`/projects/${mine}/checks/${foreign}${suffix}`, users.member.cookie, { method, body: body ?? (method === "GET" ? undefined : {}) });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(await res.json()).toEqual({ error: "check not found" });
    }
    expect(await projectState(theirs)).toEqual(before);
  });

  it("another project's channel cannot be switched on for one's own check, nor given at create", async () => {
    const mine = await team();
    const theirs = (await (await app("/projects", outsider.cookie, { method: "POST", body: { name: "Theirs" } })).json<{ id: string }>()).id;
    const foreignChannel = await channel(theirs);
    const { id: uuid } = await check(mine);
    const res = await app(`/projects/${mine}/checks/${uuid}/channels/${foreignChannel}`, users.member.cookie, { method: "PUT", body: { on: true } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "channel not found" });
    expect(await rows("SELECT * FROM check_channels WHERE check_id = ?", uuid)).toEqual([]);
    const create = await app(`/projects/${mine}/checks`, users.member.cookie, { method: "POST", body: { name: "x", channels: foreignChannel } });
    expect(create.status).toBe(400);
    expect(await create.json()).toEqual({ error: `invalid channel identifier: ${foreignChannel}` });
  });

  it("refuses a cross-site write (wrong Origin) with 403 and creates nothing", async () => {
    const id = await team();
    const before = await projectState(id);
    const res = await app(`/projects/${id}/checks`, users.owner.cookie, { method: "POST", body: { name: "csrf" }, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "cross-site request refused: Origin does not match this site" });
    const { id: uuid } = await check(id);
    const pause = await app(`/projects/${id}/checks/${uuid}/pause`, users.owner.cookie, { method: "POST", origin: null });
    expect(pause.status).toBe(403);
    expect((await projectState(id)).catalog).toHaveLength(before.catalog.length + 1);
    expect(((await stub(uuid).state()) as Json).state.status).toBe("new");
  });
});

describe("validation is the Management API's", () => {
  const cases: [string, Json][] = [
    ["a timeout under a minute", { timeout: 30 }],
    ["an expression that is neither cron nor OnCalendar", { schedule: "every day at noon" }],
    ["an unknown time zone", { tz: "Mars/Olympus_Mons" }],
    ["a name that is not a string", { name: 42 }],
    ["an uppercase slug", { slug: "Nightly" }],
    ["a method filter other than POST", { methods: "GET" }],
  ];
  it.each(cases)("%s: the same 400 and message on create and update", async (_what, body) => {
    const id = await team();
    const key = await apiKey(id);
    const { id: uuid } = await check(id);
    const before = await projectState(id);
    const viaApi = await api(key, "/checks/", { body });
    const viaApp = await app(`/projects/${id}/checks`, users.member.cookie, { method: "POST", body });
    expect(viaApi.status).toBe(400);
    expect(viaApp.status).toBe(400);
    const expected = await viaApi.json<{ error: string }>();
    expect(expected.error).toMatch(/^json validation error: /);
    expect(await viaApp.json()).toEqual(expected);
    const updateApi = await api(key, `/checks/${uuid}`, { body });
    const updateApp = await app(`/projects/${id}/checks/${uuid}`, users.member.cookie, { method: "PATCH", body });
    expect([updateApi.status, updateApp.status]).toEqual([400, 400]);
    expect(await updateApp.json()).toEqual(await updateApi.json());
    expect(await projectState(id)).toEqual(before);
  });

  it("a named kind must match the expression, and needs its field", async () => {
    const id = await team();
    const { id: uuid } = await check(id);
    const patch = (body: Json) => app(`/projects/${id}/checks/${uuid}`, users.member.cookie, { method: "PATCH", body }).then(async (r) => [r.status, await r.json()]);
    expect(await patch({ kind: "cron", schedule: "daily" })).toEqual([400, { error: "json validation error: schedule is not a valid cron expression" }]);
    expect(await patch({ kind: "oncalendar", schedule: "0 9 * * *" })).toEqual([400, { error: "json validation error: schedule is not a valid OnCalendar expression" }]);
    expect(await patch({ kind: "cron" })).toEqual([400, { error: "json validation error: schedule is required when kind is cron" }]);
    expect(await patch({ kind: "simple" })).toEqual([400, { error: "json validation error: timeout is required when kind is simple" }]);
    expect(await patch({ kind: "weekly" })).toEqual([400, { error: "json validation error: kind has unexpected value" }]);
    const ok = await patch({ kind: "oncalendar", schedule: "Mon *-*-* 09:00", tz: "Europe/Kiev" });
    expect(ok[0]).toBe(200);
    // The legacy zone name is stored as its canonical one, as the Management API does.
    expect(ok[1]).toMatchObject({ kind: "oncalendar", schedule: "Mon *-*-* 09:00", tz: "Europe/Kyiv" });
  });
});

describe("the list", () => {
  it("reads only D1: a thousand checks whose objects were never configured all list, and stay unconfigured", async () => {
    const id = await team();
    const db = drizzle(env.DB);
    const made = await Promise.all(Array.from({ length: 1000 }, (_, i) => newRow(id, { name: `row ${i}`, slug: `row-${i}` })));
    for (let i = 0; i < made.length; i += 50) await db.batch(made.slice(i, i + 50).map((r) => db.insert(checksTable).values(r)) as [never]);
    const res = await app(`/projects/${id}/checks`, users.readonly.cookie);
    expect(res.status).toBe(200);
    const { checks } = await res.json<{ checks: Json[] }>();
    expect(checks).toHaveLength(1000);
    expect(checks.find((c) => c.uuid === made[0]!.id)).toMatchObject({ name: "row 0", status: "new", n_pings: 0, channels: [] });
    for (const r of [made[0]!, made[499]!, made[999]!]) expect(await stub(r.id).state()).toBeNull();
  });

  it("shows each check's status, schedule, last ping, deadline, both ping URLs and channels", async () => {
    const id = await team();
    const ch = await channel(id);
    const { id: uuid } = await check(id, { name: "web", slug: "web", kind: "cron", schedule: "*/10 * * * *", tz: "Europe/Riga", grace: 300 }, [ch]);
    await ping(uuid, "/start");
    await ping(uuid);
    const { checks, channels } = await (await app(`/projects/${id}/checks`, users.readonly.cookie)).json<{ checks: Json[]; channels: Json[] }>();
    expect(channels).toEqual([{ id: ch, name: "hook", kind: "webhook" }]);
    const listed = checks.find((c) => c.uuid === uuid)!;
    expect(listed).toMatchObject({
      name: "web",
      kind: "cron",
      schedule: "*/10 * * * *",
      tz: "Europe/Riga",
      timeout: 86400,
      grace: 300,
      status: "up",
      started: false,
      n_pings: 2,
      ping_url: `http://localhost/ping/${uuid}`,
      ping_url_slug: "http://localhost/ping/{ping_key}/web",
      channels: [ch],
    });
    expect(listed.last_ping).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(Date.parse(listed.alert_after)).toBeGreaterThan(Date.now());
    // The fields the Management API shows for the same check are the same values.
    const viaApi = await apiCheck(id, uuid);
    for (const k of ["name", "slug", "tags", "desc", "grace", "n_pings", "status", "started", "last_ping", "next_ping", "schedule", "tz", "badge_url", "ping_url"]) {
      expect(listed[k], k).toEqual(viaApi[k]);
    }
    expect(typeof listed.last_duration === "number" || listed.last_duration === null).toBe(true);
  });
});

describe("details", () => {
  it("has the filtering rules, the project's channels and three months of downtime in the check's zone", async () => {
    const id = await team();
    const ch = await channel(id);
    const { id: uuid } = await check(id, { tz: "Asia/Tokyo", filter_subject: true, success_kw: "ok" });
    await ping(uuid, "/fail");
    const body = await (await app(`/projects/${id}/checks/${uuid}`, users.readonly.cookie)).json<Json>();
    expect(body).toMatchObject({ uuid, status: "down", filter_subject: true, success_kw: "ok", project_channels: [{ id: ch, name: "hook", kind: "webhook" }] });
    expect(body.downtimes).toHaveLength(3);
    const [current] = body.downtimes;
    // The month starts at local midnight in Tokyo (UTC+9): 15:00 UTC the day before.
    expect(current.start).toMatch(/T15:00:00\.000Z$/);
    expect(current.count).toBe(1);
    expect(current.no_data).toBe(false);
    expect(body.downtimes[1].no_data).toBe(true);
  });

  it("clearing events removes settled delivery records and leaves alerts still being delivered alone", async () => {
    const id = await team();
    const ch = await channel(id);
    const { id: uuid } = await check(id, {}, [ch]);
    const t = Date.now() - 60_000;
    const settled = crypto.randomUUID();
    const inFlight = crypto.randomUUID();
    const alert = (flipId: string, watchUntil: number | null) =>
      env.DB.prepare(
        "INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, watch_until) VALUES (?, ?, ?, ?, 'up', 'down', 'fail', '{}', ?, ?)",
      ).bind(flipId, uuid, id, t, t, watchUntil);
    const delivery = (flipId: string, status: string) =>
      env.DB.prepare(
        "INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, created, updated) VALUES (?, ?, ?, ?, ?, '', 1, ?, ?)",
      ).bind(flipId, ch, uuid, id, status, t, t);
    await env.DB.batch([alert(settled, null), delivery(settled, "sent"), alert(inFlight, Date.now() + 600_000), delivery(inFlight, "retry")]);
    expect((await app(`/projects/${id}/checks/${uuid}/clear`, users.member.cookie, { method: "POST" })).status).toBe(200);
    expect(await rows("SELECT flip_id FROM notifications WHERE check_id = ?", uuid)).toEqual([{ flip_id: inFlight }]);
    expect(await rows("SELECT id FROM alert_flips WHERE check_id = ?", uuid)).toEqual([{ id: inFlight }]);
  });

  it("answers 409 when resuming a check that is not paused", async () => {
    const id = await team();
    const { id: uuid } = await check(id);
    const res = await app(`/projects/${id}/checks/${uuid}/resume`, users.member.cookie, { method: "POST" });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: "check is not paused" });
  });

  it("clearing events keeps the ping numbering and leaves the check new", async () => {
    const id = await team();
    const { id: uuid } = await check(id);
    await ping(uuid);
    await ping(uuid, "/fail");
    await app(`/projects/${id}/checks/${uuid}/clear`, users.member.cookie, { method: "POST" });
    // The D1 summary, which the list reads, was mirrored before the answer.
    expect(await rows("SELECT status, last_ping, n_pings FROM checks WHERE id = ?", uuid)).toEqual([{ status: "new", last_ping: null, n_pings: 2 }]);
    await ping(uuid);
    const { events } = await (await app(`/projects/${id}/checks/${uuid}/events?types=success,fail`, users.member.cookie)).json<{ events: Json[] }>();
    expect(events.map((e) => [e.type, e.n])).toEqual([["success", 3]]);
  });
});

describe("event log", () => {
  async function busyCheck(projectId: string) {
    const { id: uuid } = await check(projectId, { methods: "POST" });
    const rid = crypto.randomUUID();
    await ping(uuid, `/start?rid=${rid}`, { method: "POST" });
    await ping(uuid, `?rid=${rid}`, { method: "POST", body: "x".repeat(400) });
    await ping(uuid, "/log", { method: "POST", body: "note" });
    await ping(uuid, "", { method: "GET" }); // ignored: only POST counts
    await ping(uuid, "/2", { method: "POST", body: "boom" });
    return uuid;
  }

  it("lists pings and flips newest first with their details and a 150-byte body preview", async () => {
    const id = await team();
    const uuid = await busyCheck(id);
    const body = await (await app(`/projects/${id}/checks/${uuid}/events`, users.readonly.cookie)).json<{ events: Json[]; next: unknown; oldest_ping: number }>();
    expect(body.events.map((e) => e.type)).toEqual(["flip", "fail", "ign", "log", "flip", "success", "start"]);
    expect(body.next).toBeNull();
    expect(body.oldest_ping).toBe(1);
    const [downFlip, fail, ign, , upFlip, success] = body.events as [Json, Json, Json, Json, Json, Json];
    expect(downFlip).toMatchObject({ old_status: "up", new_status: "down", reason: "fail" });
    expect(upFlip).toMatchObject({ old_status: "new", new_status: "up" });
    expect(fail).toMatchObject({ n: 5, exitstatus: 2, method: "POST", scheme: "http", body_preview: "boom", body_size: 4 });
    expect(ign).toMatchObject({ n: 4, method: "GET" });
    expect(success.body_preview).toBe("x".repeat(150));
    expect(success.body_size).toBe(400);
    expect(success.duration).toBeGreaterThanOrEqual(0);
    expect(success.rid).toMatch(/^[0-9a-f-]{36}$/);
    expect(success.body_url).toBeUndefined();
  });

  it("filters by type", async () => {
    const id = await team();
    const uuid = await busyCheck(id);
    const only = async (types: string) =>
      (await (await app(`/projects/${id}/checks/${uuid}/events?types=${types}`, users.member.cookie)).json<{ events: Json[] }>()).events.map((e) => e.type);
    expect(await only("fail,flip")).toEqual(["flip", "fail", "flip"]);
    expect(await only("start,log")).toEqual(["log", "start"]);
    expect(await only("alert")).toEqual([]);
    const bad = await app(`/projects/${id}/checks/${uuid}/events?types=success,bogus`, users.member.cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/^types has unexpected value "bogus"/);
  });

  it("pages by time: following next visits every event once", async () => {
    const id = await team();
    const uuid = await busyCheck(id);
    const all = (await (await app(`/projects/${id}/checks/${uuid}/events`, users.member.cookie)).json<{ events: Json[] }>()).events;
    const seen: Json[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const url: string = `/projects/${id}/checks/${uuid}/events?limit=2${next === null ? "" : `&before=${encodeURIComponent(next)}`}`;
      const page = await (await app(url, users.member.cookie)).json<{ events: Json[]; next: string | null }>();
      seen.push(...page.events);
      next = page.next;
      pages++;
    } while (next !== null && pages < 20);
    expect(seen).toEqual(all);
    expect(pages).toBeGreaterThan(2);
    const bad = await app(`/projects/${id}/checks/${uuid}/events?before=yesterday`, users.member.cookie);
    expect(bad.status).toBe(400);
  });

  it("shows alerts per channel with their outcome and error", async () => {
    const id = await team();
    const ch = await channel(id);
    const { id: uuid } = await check(id, {}, [ch]);
    const t = Date.now() - 60_000;
    const flipId = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at) VALUES (?, ?, ?, ?, 'up', 'down', 'timeout', '{}', ?)",
      ).bind(flipId, uuid, id, t, t),
      env.DB.prepare(
        "INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, created, updated) VALUES (?, ?, ?, ?, 'failed', 'Connections to private IP addresses are not allowed', 1, ?, ?)",
      ).bind(flipId, ch, uuid, id, t, t),
    ]);
    const { events } = await (await app(`/projects/${id}/checks/${uuid}/events?types=alert`, users.readonly.cookie)).json<{ events: Json[] }>();
    expect(events).toEqual([
      {
        type: "alert",
        date: expect.any(String),
        flip_id: flipId,
        check: uuid,
        channel: ch,
        kind_of_alert: "down",
        status: "failed",
        attempts: 1,
        error: "Connections to private IP addresses are not allowed",
        updated: expect.any(String),
      },
    ]);
    // The same record as the Management API's delivery log shows it.
    const viaApi = await (await api(await apiKey(id), `/checks/${uuid}/notifications/`)).json<{ notifications: Json[] }>();
    const { type, date, ...rest } = events[0]!;
    expect(viaApi.notifications).toEqual([{ ...rest, created: expect.any(String) }]);
  });

  it("pages through alerts that share one millisecond without repeating or skipping any", () => {
    const at = (t: number, rank: number, event: string) => ({ at: t, rank, event });
    const events = [at(5, 2, "p5"), at(4, 0, "a4a"), at(4, 0, "a4b"), at(4, 1, "f4"), at(3, 2, "p3")];
    expect(pageEvents(events, 2)).toEqual({ page: ["p5", "a4a", "a4b", "f4"], next: 4 });
    expect(pageEvents(events.filter((e) => e.at < 4), 2)).toEqual({ page: ["p3"], next: null });
    // A source cut at t=4 (more before it): nothing older is shown yet, and next says where to go on.
    expect(pageEvents(events, 10, 4, true)).toEqual({ page: ["p5", "a4a", "a4b", "f4"], next: 4 });
  });

  it("returns one ping with its whole body; an email ping with its subject", async () => {
    const id = await team();
    const { id: uuid } = await check(id);
    const long = "y".repeat(5000);
    await ping(uuid, "", { method: "POST", body: long });
    const raw = "From: cron@example.org\r\nSubject: =?utf-8?q?Backup_done?=\r\nContent-Type: text/plain\r\n\r\nAll good\r\n";
    await stub(uuid).ping({
      action: "success",
      exitStatus: null,
      rid: null,
      method: "email",
      scheme: "email",
      remoteAddr: null,
      ua: "Email from cron@example.org",
      body: new TextEncoder().encode(raw),
      email: { subject: "Backup done", text: "All good" },
      rateLimit: 1000,
    });
    const first = await (await app(`/projects/${id}/checks/${uuid}/pings/1`, users.readonly.cookie)).json<Json>();
    expect(first).toMatchObject({ n: 1, type: "success", body: long, body_size: 5000, subject: null });
    expect(first.body_preview).toBeUndefined();
    const email = await (await app(`/projects/${id}/checks/${uuid}/pings/2`, users.readonly.cookie)).json<Json>();
    expect(email).toMatchObject({ n: 2, scheme: "email", ua: "Email from cron@example.org", body: raw, subject: "Backup done" });
    expect((await app(`/projects/${id}/checks/${uuid}/pings/3`, users.readonly.cookie)).status).toBe(404);
    expect((await app(`/projects/${id}/checks/${uuid}/pings/x`, users.readonly.cookie)).status).toBe(404);
  });
});

describe("schedule preview", () => {
  it("answers the next fire times and the description, as the public preview does", async () => {
    const res = await app("/schedule-preview", users.readonly.cookie, { method: "POST", body: { kind: "cron", schedule: "0 9 * * 1-5", tz: "Europe/Riga", n: 3 } });
    expect(res.status).toBe(200);
    const body = await res.json<{ kind: string; next: string[]; description: string }>();
    const pub = await (await call(`/api/v3/schedule-preview?schedule=${encodeURIComponent("0 9 * * 1-5")}&tz=Europe/Riga&n=3`)).json<Json>();
    expect(body).toEqual(pub);
    expect(body.next).toHaveLength(3);
  });

  it("refuses an expression of another kind than the one named, and bad zones", async () => {
    const post = (body: Json) => app("/schedule-preview", users.readonly.cookie, { method: "POST", body }).then(async (r) => [r.status, await r.json()]);
    expect(await post({ kind: "oncalendar", schedule: "0 9 * * *" })).toEqual([400, { error: "schedule is not a valid OnCalendar expression", detail: expect.any(String) }]);
    expect(await post({ kind: "cron", schedule: "daily" })).toEqual([400, { error: "schedule is not a valid cron expression", detail: expect.any(String) }]);
    expect(await post({ schedule: "61 * * * *" })).toEqual([400, { error: "schedule is not a valid cron or OnCalendar expression", detail: "Bad minute" }]);
    expect(await post({ schedule: "daily", tz: "Nowhere/Else" })).toEqual([400, { error: "json validation error: tz is not a valid timezone" }]);
    const ok = await post({ schedule: "daily" });
    expect(ok[1]).toMatchObject({ kind: "oncalendar", description: expect.any(String) });
    expect((ok[1] as Json).next).toHaveLength(6);
  });
});

describe("hono/client over AppType", () => {
  it("types the check routes' inputs and answers", async () => {
    const id = await team();
    const client = hc<AppType>(`${ORIGIN}/app/api`, {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
      headers: { Cookie: users.member.cookie, Origin: ORIGIN },
    });
    const made = await client.projects[":id"].checks.$post({ param: { id }, json: { name: "typed", kind: "simple", timeout: 600 } });
    expect(made.status).toBe(201);
    const check = await made.json();
    const uuid: string = check.uuid;
    const timeout: number = check.timeout;
    expect(timeout).toBe(600);
    const list = await (await client.projects[":id"].checks.$get({ param: { id } })).json();
    const statuses: string[] = list.checks.map((c) => c.status);
    expect(statuses).toContain("new");
    await ping(uuid);
    const log = await (await client.projects[":id"].checks[":uuid"].events.$get({ param: { id, uuid }, query: { types: "success", limit: "1" } })).json();
    expect(log.events.map((e) => e.type)).toEqual(["success"]);
    const details = await (await client.projects[":id"].checks[":uuid"].$get({ param: { id, uuid } })).json();
    const uptime: number = details.downtimes[0]!.uptime_pct;
    expect(uptime).toBe(100);
  });
});
