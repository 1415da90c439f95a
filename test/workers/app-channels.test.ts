// The dashboard API's integrations (issue 12): the channels list and every change to channels, for
// every role (read-only members may send a test, as in Healthchecks), between projects, and against
// the Management API's answers for the same channels and the same bad input. Real D1, HTTP through
// the Worker; webhooks point at 127.0.0.1, which delivery refuses without sending anything.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CHANNEL_KINDS } from "../../src/alerts/channel-kinds";
import { createCheck } from "../../src/checks/client";
import { app, describeCapabilities, ROLES, teamProject, signUp, signUpRoles, type Capability, type Role, type SignedUp, WRITERS } from "./account-helpers";
import { api, fetchWithVars, stub } from "./helpers";


type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REFUSED = "Connections to private IP addresses are not allowed";
const HOOK = { url_down: "http://127.0.0.1:9/down" };

const users = {} as Record<Role, SignedUp>;
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

async function project(owner: SignedUp, name = "Team"): Promise<string> {
  const res = await app("/projects", owner.cookie, { method: "POST", body: { name } });
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

/** A fresh project of users.owner with a member of each role and two checks. */
async function team(): Promise<string> {
  const id = await teamProject(users);
  await createCheck(env, id, { name: "one" }, "http://localhost");
  await createCheck(env, id, { name: "two" }, "http://localhost");
  return id;
}

async function apiKey(projectId: string, owner = users.owner): Promise<string> {
  const res = await app(`/projects/${projectId}/keys/api_key`, owner.cookie, { method: "POST" });
  return (await res.json<{ key: string }>()).key;
}

/** A channel made through the Management API (not assigned to any check). */
async function apiChannel(projectId: string, body: Json = { name: "hook", kind: "webhook", value: HOOK }, owner = users.owner): Promise<string> {
  const res = await api(await apiKey(projectId, owner), "/channels/", { body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

const rows = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).all<Json>()).results;

/** Everything a channel write could change. */
async function projectState(projectId: string) {
  return {
    channels: await rows("SELECT * FROM channels WHERE project_id = ? ORDER BY id", projectId),
    assignments: await rows(
      "SELECT cc.check_id, cc.channel_id FROM check_channels cc JOIN checks c ON c.id = cc.check_id WHERE c.project_id = ? ORDER BY 1, 2",
      projectId,
    ),
    versions: await rows("SELECT id, version FROM checks WHERE project_id = ? ORDER BY id", projectId),
    sends: await rows("SELECT s.* FROM channel_sends s JOIN channels c ON c.id = s.channel_id WHERE c.project_id = ? ORDER BY 1, 2", projectId),
  };
}

/** The channel as the Management API shows it. */
const apiDetails = async (projectId: string, channelId: string) => (await api(await apiKey(projectId), `/channels/${channelId}`)).json<Json>();

const capabilities: Capability[] = [
  {
    name: "list channels",
    allowed: ROLES,
    prepare: (id) => apiChannel(id),
    act: (id, _ch, u) => app(`/projects/${id}/channels`, u.cookie),
    effect: async (id, ch, res) => {
      const { channels } = await res.json<{ channels: Json[] }>();
      expect(channels).toEqual([{ ...(await apiDetails(id, ch)), n_checks: 0 }]);
    },
  },
  {
    name: "create a channel",
    allowed: WRITERS,
    prepare: async () => "",
    act: (id, _ch, u) => app(`/projects/${id}/channels`, u.cookie, { method: "POST", body: { name: "ops", kind: "webhook", value: HOOK } }),
    effect: async (id, _ch, res) => {
      expect(res.status).toBe(201);
      const made = await res.json<Json>();
      expect(made).toEqual({ ...(await apiDetails(id, made.id)), n_checks: 2 });
      expect(made).toMatchObject({ name: "ops", kind: "webhook", value: { url_down: HOOK.url_down } });
      // As in Healthchecks' UI, every check of the project gets it, in D1 and in its object.
      const checks = await rows("SELECT id FROM checks WHERE project_id = ?", id);
      expect(made.checks.sort()).toEqual(checks.map((c) => c.id).sort());
      for (const c of checks) expect(((await stub(c.id).state()) as Json).config.channels).toBe(made.id);
    },
  },
  {
    name: "edit a channel",
    allowed: WRITERS,
    prepare: (id) => apiChannel(id),
    act: (id, ch, u) => app(`/projects/${id}/channels/${ch}`, u.cookie, { method: "PATCH", body: { name: "renamed", value: { url_down: "http://127.0.0.1:9/new" } } }),
    effect: async (id, ch, res) => {
      const shown = await res.json<Json>();
      expect(shown).toMatchObject({ id: ch, name: "renamed", value: { url_down: "http://127.0.0.1:9/new" } });
      expect(await apiDetails(id, ch)).toMatchObject({ name: "renamed", value: { url_down: "http://127.0.0.1:9/new" } });
    },
  },
  {
    name: "remove a channel",
    allowed: WRITERS,
    prepare: async (id) => {
      const ch = await apiChannel(id);
      const [check] = await rows("SELECT id FROM checks WHERE project_id = ?", id);
      await api(await apiKey(id), `/checks/${check!.id}`, { body: { channels: ch } });
      return ch;
    },
    act: (id, ch, u) => app(`/projects/${id}/channels/${ch}`, u.cookie, { method: "DELETE" }),
    effect: async (id, ch, res) => {
      expect(await res.json()).toEqual({ id: ch, deleted: true });
      expect((await api(await apiKey(id), `/channels/${ch}`)).status).toBe(404);
      expect(await rows("SELECT * FROM check_channels WHERE channel_id = ?", ch)).toEqual([]);
    },
  },
  {
    name: "send a test notification (read-only members too, as in Healthchecks)",
    allowed: ROLES,
    prepare: (id) => apiChannel(id),
    act: (id, ch, u) => app(`/projects/${id}/channels/${ch}/test`, u.cookie, { method: "POST" }),
    effect: async (id, ch, res) => {
      expect(await res.json()).toEqual({ ok: false, error: REFUSED });
      const { notifications } = await (await api(await apiKey(id), `/channels/${ch}/notifications/`)).json<{ notifications: Json[] }>();
      expect(notifications).toEqual([expect.objectContaining({ kind_of_alert: "test", status: "failed", error: REFUSED })]);
    },
  },
];

describeCapabilities(capabilities, { users, team, state: projectState });

describe("what the integrations page shows", () => {
  it("each channel exactly as the Management API shows it: secrets masked, confirmation, last delivery, checks", async () => {
    const id = await team();
    const pd = await apiChannel(id, { name: "pager", kind: "pd", value: "0123456789abcdef0123" });
    const mail = await apiChannel(id, { kind: "email", value: "ops@example.com" });
    const hook = await apiChannel(id);
    const [check] = await rows("SELECT id FROM checks WHERE project_id = ? ORDER BY created", id);
    await api(await apiKey(id), `/checks/${check!.id}`, { body: { channels: `${pd},${hook}` } });
    // A delivery that failed a minute ago on the webhook.
    const t = Date.now() - 60_000;
    await env.DB.batch([
      env.DB.prepare("UPDATE channels SET last_notify = ?, last_notify_duration = 120, last_error = ? WHERE id = ?").bind(t, REFUSED, hook),
      env.DB.prepare(
        "INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, created, updated) VALUES (?, ?, ?, ?, 'failed', ?, 1, ?, ?)",
      ).bind(crypto.randomUUID(), hook, check!.id, id, REFUSED, t, t),
    ]);
    const { channels } = await (await app(`/projects/${id}/channels`, users.readonly.cookie)).json<{ channels: Json[] }>();
    expect(channels.map((c) => c.id)).toEqual([pd, mail, hook]);
    for (const shown of channels) {
      const { n_checks, ...rest } = shown;
      expect(rest).toEqual(await apiDetails(id, shown.id));
      expect(n_checks).toBe(shown.checks.length);
    }
    const [pager, email, webhook] = channels as [Json, Json, Json];
    expect(JSON.stringify(pager.value)).not.toContain("0123456789abcdef0123");
    expect(email.email_verified).toBe(false);
    expect(webhook).toMatchObject({ last_result: "failed", last_error: REFUSED, last_notify_duration_ms: 120, n_checks: 1, checks: [check!.id] });
    expect(Date.parse(webhook.last_notify)).toBeLessThanOrEqual(t);
  });

  it("which kinds this site can deliver: those whose service credentials (or SMTP server) are set, and groups", async () => {
    const id = await team();
    const list = (vars: Record<string, string>) =>
      fetchWithVars(vars, `/app/api/projects/${id}/channels`, { headers: { Cookie: users.readonly.cookie } }).then((r) => r.json<{ deliverable: string[] }>());
    const bare = { TELEGRAM_BOT_TOKEN: "", PUSHOVER_API_TOKEN: "", MATRIX_HOMESERVER: "", MATRIX_ACCESS_TOKEN: "", SMTP_HOST: "" };
    const { deliverable } = await list(bare);
    expect(deliverable).not.toContain("telegram");
    expect(deliverable).not.toContain("email");
    expect(deliverable).toEqual(expect.arrayContaining(["webhook", "slack", "ntfy", "group"]));
    const all = await list({ ...bare, TELEGRAM_BOT_TOKEN: "t", PUSHOVER_API_TOKEN: "p", MATRIX_HOMESERVER: "https://m.example", MATRIX_ACCESS_TOKEN: "m", SMTP_HOST: "smtp.example" });
    expect(all.deliverable).toEqual([...CHANNEL_KINDS]);
  });

  it("test notifications are limited per channel (429 with Retry-After), whoever sends them", async () => {
    const id = await team();
    const ch = await apiChannel(id);
    for (let i = 0; i < 5; i++) {
      const res = await app(`/projects/${id}/channels/${ch}/test`, users[ROLES[i % 4]!].cookie, { method: "POST" });
      expect(res.status).toBe(200);
    }
    const res = await app(`/projects/${id}/channels/${ch}/test`, users.readonly.cookie, { method: "POST" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await res.json<{ error: string }>()).error).toMatch(/^too many test notifications for this channel; try again in \d+ s$/);
  });
});

describe("tenancy", () => {
  it("another project's channel is 404 by its id, for reading, editing, removing and testing", async () => {
    const mine = await team();
    const theirs = await project(outsider, "Theirs");
    const foreign = await apiChannel(theirs, undefined, outsider);
    const before = await projectState(theirs);
    expect((await app(`/projects/${theirs}/channels`, users.member.cookie)).status).toBe(404);
    for (const [method, suffix, body] of [
      ["PATCH", "", { name: "stolen" }],
      ["DELETE", "", undefined],
      ["POST", "/test", undefined],
    ] as const) {
      const res = await app(`/projects/${mine}/channels/${foreign}${suffix}`, users.member.cookie, { method, body });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(await res.json()).toEqual({ error: "channel not found" });
    }
    const group = await app(`/projects/${mine}/channels`, users.member.cookie, { method: "POST", body: { kind: "group", value: foreign } });
    expect(group.status).toBe(400);
    expect(await group.json()).toEqual({ error: `json validation error: value refers to ${foreign}, which is not a channel of this project` });
    expect(await projectState(theirs)).toEqual(before);
  });

  it("refuses a cross-site write (wrong Origin) with 403 and creates nothing", async () => {
    const id = await team();
    const before = await projectState(id);
    const res = await app(`/projects/${id}/channels`, users.owner.cookie, { method: "POST", body: { kind: "webhook", value: HOOK }, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await projectState(id)).toEqual(before);
  });
});

describe("validation is the Management API's", () => {
  const creates: [string, Json][] = [
    ["an unknown kind", { kind: "carrier-pigeon", value: "x" }],
    ["a webhook URL that is not http(s)", { kind: "webhook", value: { url_down: "ftp://example.com/x" } }],
    ["an email value that is no address", { kind: "email", value: "not an address" }],
    ["a name that is not a string", { name: 5, kind: "slack", value: "https://hooks.example.com/a" }],
    ["an ntfy priority out of range", { kind: "ntfy", value: { topic: "ops", priority: 9 } }],
  ];
  it.each(creates)("create with %s: the same 400 and message", async (_what, body) => {
    const id = await team();
    const before = await projectState(id);
    const viaApi = await api(await apiKey(id), "/channels/", { body });
    const viaApp = await app(`/projects/${id}/channels`, users.member.cookie, { method: "POST", body });
    expect([viaApi.status, viaApp.status]).toEqual([400, 400]);
    const expected = await viaApi.json<{ error: string }>();
    expect(expected.error).toMatch(/^json validation error: /);
    expect(await viaApp.json()).toEqual(expected);
    expect(await projectState(id)).toEqual(before);
  });

  const updates: [string, Json][] = [
    ["another kind", { kind: "slack" }],
    ["a bad value for its kind", { value: { url_down: "ftp://example.com/x" } }],
    ["a name too long", { name: "n".repeat(101) }],
  ];
  it.each(updates)("update with %s: the same 400 and message", async (_what, body) => {
    const id = await team();
    const ch = await apiChannel(id);
    const before = await projectState(id);
    const viaApi = await api(await apiKey(id), `/channels/${ch}`, { body });
    const viaApp = await app(`/projects/${id}/channels/${ch}`, users.member.cookie, { method: "PATCH", body });
    expect([viaApi.status, viaApp.status]).toEqual([400, 400]);
    expect(await viaApp.json()).toEqual(await viaApi.json());
    expect(await projectState(id)).toEqual(before);
  });
});
