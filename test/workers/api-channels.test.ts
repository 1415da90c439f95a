// Channels in the Management API (an edgechecks extension): create, update, delete, validation.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, call, makeProject, view, type TestProject } from "./helpers";

type Json = Record<string, unknown>;


async function createChannel(p: TestProject, body: Json): Promise<Json> {
  const res = await api(p, "/channels/", { body });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<Json>();
}

async function stored(id: string) {
  return env.DB.prepare("SELECT * FROM channels WHERE id = ?").bind(id).first<{ project_id: string; name: string; kind: string; value: string; disabled: number }>();
}

async function createError(p: TestProject, body: Json): Promise<string> {
  const res = await api(p, "/channels/", { body });
  expect(res.status).toBe(400);
  return (await res.json<{ error: string }>()).error;
}

const WEBHOOK = { url_down: "https://example.com/down", method_down: "POST", body_down: "$NAME is $STATUS", headers_down: { "Content-Type": "text/plain" } };
const POUSER = "u".repeat(30);

describe("creating channels", () => {
  // One valid example per kind, and the value it is stored as.
  const examples: [string, unknown, unknown][] = [
    ["email", { value: "ops@example.com", up: false, down: true }, { value: "ops@example.com", up: false, down: true }],
    ["email", "ops@example.com", { value: "ops@example.com", up: true, down: true }],
    [
      "webhook",
      WEBHOOK,
      { ...WEBHOOK, method_up: "GET", url_up: "", body_up: "", headers_up: {} },
    ],
    ["slack", "https://hooks.slack.com/services/T0/B0/x", "https://hooks.slack.com/services/T0/B0/x"],
    ["mattermost", "https://chat.example.com/hooks/abc", "https://chat.example.com/hooks/abc"],
    ["msteamsw", "https://prod.westeurope.logic.azure.com/workflows/1", "https://prod.westeurope.logic.azure.com/workflows/1"],
    ["googlechat", "https://chat.googleapis.com/v1/spaces/x/messages?key=k", "https://chat.googleapis.com/v1/spaces/x/messages?key=k"],
    ["rocketchat", "https://rocket.example.com/hooks/abc", "https://rocket.example.com/hooks/abc"],
    ["discord", { webhook: { url: "https://discord.com/api/webhooks/1/t" } }, { webhook: { url: "https://discord.com/api/webhooks/1/t" } }],
    ["telegram", { id: -100123, type: "group", name: "Ops" }, { id: -100123, type: "group", name: "Ops" }],
    ["ntfy", { topic: "ops_alerts" }, { topic: "ops_alerts", url: "https://ntfy.sh", priority: 3, priority_up: 3, token: "" }],
    ["gotify", { url: "https://gotify.example.com", token: "abc", priority: 9, priority_up: 0 }, { url: "https://gotify.example.com", token: "abc", priority: 9, priority_up: 0 }],
    ["po", `${POUSER}|2|-3`, `${POUSER}|2|-3`],
    ["pd", "0123456789abcdef", "0123456789abcdef"],
    ["pd", { service_key: "0123456789abcdef", account: "acme" }, { service_key: "0123456789abcdef", account: "acme" }],
    ["opsgenie", { key: "k-1", region: "eu" }, { key: "k-1", region: "eu" }],
    ["matrix", "!abcDEF:matrix.org", "!abcDEF:matrix.org"],
    [
      "zulip",
      { bot_email: "bot@zulip.example.com", api_key: "k", site: "https://zulip.example.com", mtype: "stream", to: "ops" },
      { bot_email: "bot@zulip.example.com", api_key: "k", site: "https://zulip.example.com", mtype: "stream", to: "ops", topic: "" },
    ],
  ];
  for (const [kind, value, normalised] of examples) {
    it(`creates a ${kind} channel from ${JSON.stringify(value)}`, async () => {
      const p = await makeProject();
      const created = await createChannel(p, { name: `my ${kind}`, kind, value });
      expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: `my ${kind}`, kind });
      const row = await stored(created.id as string);
      expect(row).toMatchObject({ project_id: p.id, name: `my ${kind}`, kind });
      expect(JSON.parse(row!.value)).toEqual(normalised);
      expect(await (await api(p, "/channels/")).json()).toEqual({ channels: [created] });
    });
  }

  it("creates a group of the project's channels", async () => {
    const p = await makeProject();
    const a = await createChannel(p, { kind: "slack", value: "https://hooks.example.com/a" });
    const b = await createChannel(p, { kind: "email", value: "b@example.com" });
    const g = await createChannel(p, { name: "both", kind: "group", value: `${a.id},${b.id},${a.id}` });
    expect(JSON.parse((await stored(g.id as string))!.value)).toBe(`${a.id},${b.id}`);
  });

  it("accepts webhooks to private and loopback addresses (delivery decides)", async () => {
    const p = await makeProject();
    await createChannel(p, { kind: "webhook", value: { url_down: "http://127.0.0.1/x" } });
    await createChannel(p, { kind: "webhook", value: { url_up: "http://10.0.0.1/" } });
  });

  it("answers on every API version", async () => {
    const p = await makeProject();
    const res = await api(p, "/channels/", { body: { kind: "matrix", value: "!a:b.c" }, v: 1 });
    expect(res.status).toBe(201);
  });

  it("takes the key from the body like other write endpoints", async () => {
    const p = await makeProject();
    const res = await call("/api/v3/channels/", { method: "POST", body: JSON.stringify({ api_key: p.api_key, kind: "matrix", value: "!a:b.c" }) });
    expect(res.status).toBe(201);
  });

  it("answers OPTIONS with the new methods", async () => {
    expect((await call("/api/v3/channels/", { method: "OPTIONS" })).headers.get("Access-Control-Allow-Methods")).toBe("GET, POST, OPTIONS");
    const one = await call(`/api/v3/channels/${crypto.randomUUID()}`, { method: "OPTIONS" });
    expect(one.status).toBe(204);
    expect(one.headers.get("Access-Control-Allow-Methods")).toBe("POST, DELETE, GET, OPTIONS");
  });
});

describe("channel validation", () => {
  const cases: [string, Json, string][] = [
    ["unknown kind", { kind: "carrier-pigeon", value: "x" }, "kind has unexpected value"],
    ["kind not a string", { kind: 3, value: "x" }, "kind has unexpected value"],
    ["missing kind", { value: "x" }, "kind is missing"],
    ["missing value", { kind: "slack" }, "value is missing"],
    ["name too long", { name: "n".repeat(101), kind: "slack", value: "https://x.example" }, "name is too long"],
    ["name not a string", { name: 5, kind: "slack", value: "https://x.example" }, "name is not a string"],
    // webhook (as Healthchecks' form)
    ["webhook without URLs", { kind: "webhook", value: { url_down: "", url_up: "" } }, "value.url_down or value.url_up is required"],
    ["webhook not an object", { kind: "webhook", value: "https://x.example" }, "value is not an object"],
    ["webhook bad URL", { kind: "webhook", value: { url_down: "not a url" } }, "value.url_down is not a valid URL"],
    ["webhook non-http URL", { kind: "webhook", value: { url_up: "ftp://example.com/" } }, "value.url_up is not a valid URL"],
    ["webhook URL too long", { kind: "webhook", value: { url_down: `https://x.example/${"a".repeat(1000)}` } }, "value.url_down is too long"],
    ["webhook bad method", { kind: "webhook", value: { url_down: "https://x.example", method_down: "DELETE" } }, "value.method_down has unexpected value"],
    ["webhook body too long", { kind: "webhook", value: { url_up: "https://x.example", body_up: "b".repeat(1001) } }, "value.body_up is too long"],
    ["webhook headers not an object", { kind: "webhook", value: { url_down: "https://x.example", headers_down: ["A: b"] } }, "value.headers_down is not an object"],
    ["webhook header value not a string", { kind: "webhook", value: { url_down: "https://x.example", headers_down: { A: 1 } } }, "value.headers_down.A is not a string"],
    ["webhook header name not latin-1", { kind: "webhook", value: { url_down: "https://x.example", headers_down: { "Ā": "x" } } }, "value.headers_down header names must be latin-1"],
    ["webhook header name special chars", { kind: "webhook", value: { url_down: "https://x.example", headers_up: { "X Foo:": "x" } } }, "value.headers_up header names must not contain special characters"],
    ["webhook header name too long", { kind: "webhook", value: { url_down: "https://x.example", headers_down: { ["h".repeat(1001)]: "x" } } }, "value.headers_down has a header name that is too long"],
    ["webhook header value too long", { kind: "webhook", value: { url_down: "https://x.example", headers_down: { A: "v".repeat(1001) } } }, "value.headers_down.A is too long"],
    ["webhook header value line break", { kind: "webhook", value: { url_down: "https://x.example", headers_down: { A: "x\r\nB: y" } } }, "value.headers_down.A must not contain line breaks"],
    // other kinds
    ["email bad address", { kind: "email", value: "nobody" }, "value is not a valid email address"],
    ["email bad flag", { kind: "email", value: { value: "a@b.example", up: "yes" } }, "value.up is not a boolean"],
    ["slack bad URL", { kind: "slack", value: "javascript:alert(1)" }, "value is not a valid URL"],
    ["msteamsw not a string", { kind: "msteamsw", value: { url: "https://x.example" } }, "value is not a string"],
    ["discord missing webhook", { kind: "discord", value: {} }, "value.webhook is missing"],
    ["discord bad URL", { kind: "discord", value: { webhook: { url: "x" } } }, "value.webhook.url is not a valid URL"],
    ["telegram bad id", { kind: "telegram", value: { id: "abc" } }, "value.id is not a valid chat id"],
    ["telegram missing id", { kind: "telegram", value: { type: "private" } }, "value.id is missing"],
    ["ntfy priority out of range", { kind: "ntfy", value: { topic: "t", priority: 6 } }, "value.priority must be between 0 and 5"],
    ["ntfy bad topic", { kind: "ntfy", value: { topic: "a/b" } }, "value.topic is not a valid topic"],
    ["gotify priority not allowed", { kind: "gotify", value: { url: "https://g.example", token: "t", priority_up: 3 } }, "value.priority_up must be 0, 2, 5 or 9"],
    ["gotify missing token", { kind: "gotify", value: { url: "https://g.example" } }, "value.token is missing"],
    ["pushover bad form", { kind: "po", value: `${POUSER}|1` }, "value is not in the form <user_key>|<priority>|<priority_up>"],
    ["pushover bad priority", { kind: "po", value: `${POUSER}|3|0` }, "value has a priority outside -3 to 2"],
    ["pushover bad user key", { kind: "po", value: "short|0|0" }, "value has a user key that is not 30 letters and digits"],
    ["pd empty key", { kind: "pd", value: "" }, "value is empty"],
    ["pd object without key", { kind: "pd", value: { account: "a" } }, "value.service_key is missing"],
    ["opsgenie bad region", { kind: "opsgenie", value: { key: "k", region: "apac" } }, "value.region has unexpected value"],
    ["matrix bad room", { kind: "matrix", value: "#alias:matrix.org" }, "value is not a valid Matrix room id"],
    ["zulip bad mtype", { kind: "zulip", value: { bot_email: "b@z.example", api_key: "k", site: "https://z.example", mtype: "topic", to: "x" } }, "value.mtype has unexpected value"],
    ["group not ids", { kind: "group", value: "a,b" }, "value is not a comma-separated list of channel ids"],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses ${what}: ${message}`, async () => {
      const p = await makeProject();
      expect(await createError(p, body)).toBe(`json validation error: ${message}`);
      expect(await (await api(p, "/channels/")).json()).toEqual({ channels: [] });
    });
  }

  it("refuses a group member of another project", async () => {
    const p = await makeProject();
    const other = await createChannel(await makeProject(), { kind: "matrix", value: "!a:b.c" });
    expect(await createError(p, { kind: "group", value: other.id as string })).toBe(
      `json validation error: value refers to ${other.id}, which is not a channel of this project`,
    );
  });

  it("refuses a group inside a group", async () => {
    const p = await makeProject();
    const a = await createChannel(p, { kind: "matrix", value: "!a:b.c" });
    const g = await createChannel(p, { kind: "group", value: a.id as string });
    expect(await createError(p, { kind: "group", value: `${a.id},${g.id}` })).toBe(`json validation error: value refers to ${g.id}, which is a group`);
  });
});

describe("updating channels", () => {
  it("renames a channel and keeps its value", async () => {
    const p = await makeProject();
    const ch = await createChannel(p, { name: "old", kind: "slack", value: "https://hooks.example.com/a" });
    const res = await api(p, `/channels/${ch.id}`, { body: { name: "new" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: ch.id, name: "new", kind: "slack" });
    expect(await stored(ch.id as string)).toMatchObject({ name: "new", value: JSON.stringify("https://hooks.example.com/a") });
  });

  it("replaces the value, validated for the channel's kind, and re-enables a disabled channel", async () => {
    const p = await makeProject();
    const ch = await createChannel(p, { name: "hook", kind: "webhook", value: { url_down: "https://x.example/a" } });
    await env.DB.prepare("UPDATE channels SET disabled = 1, last_error = 'Received status code 404' WHERE id = ?").bind(ch.id).run();
    const res = await api(p, `/channels/${ch.id}`, { body: { value: { url_up: "https://x.example/up", method_up: "PUT" } } });
    expect(res.status).toBe(200);
    const row = await stored(ch.id as string);
    expect(row).toMatchObject({ name: "hook", disabled: 0, last_error: "" });
    expect(JSON.parse(row!.value)).toMatchObject({ url_down: "", url_up: "https://x.example/up", method_up: "PUT" });
  });

  it("refuses an invalid value and changes nothing", async () => {
    const p = await makeProject();
    const ch = await createChannel(p, { kind: "webhook", value: { url_down: "https://x.example/a" } });
    const res = await api(p, `/channels/${ch.id}`, { body: { name: "x", value: { url_down: "nope" } } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "json validation error: value.url_down is not a valid URL" });
    expect(await stored(ch.id as string)).toMatchObject({ name: "", value: JSON.stringify({ method_down: "GET", url_down: "https://x.example/a", body_down: "", headers_down: {}, method_up: "GET", url_up: "", body_up: "", headers_up: {} }) });
  });

  it("refuses to change the kind", async () => {
    const p = await makeProject();
    const ch = await createChannel(p, { kind: "slack", value: "https://x.example/a" });
    const res = await api(p, `/channels/${ch.id}`, { body: { kind: "mattermost" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "json validation error: kind cannot be changed" });
  });

  it("answers 404 for an unknown or malformed id", async () => {
    const p = await makeProject();
    expect((await api(p, `/channels/${crypto.randomUUID()}`, { body: { name: "x" } })).status).toBe(404);
    expect((await api(p, "/channels/nope", { body: { name: "x" } })).status).toBe(404);
  });
});

describe("deleting channels", () => {
  it("deletes the channel, unassigns it and re-configures the checks that had it", async () => {
    const p = await makeProject();
    const keep = await createChannel(p, { name: "keep", kind: "matrix", value: "!a:b.c" });
    const gone = await createChannel(p, { name: "gone", kind: "slack", value: "https://x.example/a" });
    const created = await api(p, "/checks/", { body: { name: "c", channels: "*" } });
    const check = await created.json<Json>();
    expect(check.channels).toBe([keep.id, gone.id].sort().join(","));

    const res = await api(p, `/channels/${gone.id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: gone.id, name: "gone", kind: "slack" });
    expect(await stored(gone.id as string)).toBeNull();
    const after = await (await api(p, `/checks/${check.uuid}`)).json<Json>();
    expect(after.channels).toBe(keep.id);
    expect((await view(check.uuid as string)).config.channels).toBe(keep.id);
    const { results } = await env.DB.prepare("SELECT 1 FROM check_channels WHERE channel_id = ?").bind(gone.id).all();
    expect(results).toEqual([]);
    expect(await (await api(p, "/channels/")).json()).toEqual({ channels: [keep] });
  });

  it("removes a deleted channel from the project's groups", async () => {
    const p = await makeProject();
    const a = await createChannel(p, { kind: "matrix", value: "!a:b.c" });
    const b = await createChannel(p, { kind: "matrix", value: "!b:b.c" });
    const g = await createChannel(p, { kind: "group", value: `${a.id},${b.id}` });
    expect((await api(p, `/channels/${a.id}`, { method: "DELETE" })).status).toBe(200);
    expect(JSON.parse((await stored(g.id as string))!.value)).toBe(b.id);
  });
});

describe("channel authorisation", () => {
  it("refuses the read-only key with 401 wrong api key", async () => {
    const p = await makeProject();
    const ch = await createChannel(p, { name: "x", kind: "matrix", value: "!a:b.c" });
    for (const [path, init] of [
      ["/channels/", { body: { kind: "matrix", value: "!a:b.c" } }],
      [`/channels/${ch.id}`, { body: { name: "y" } }],
      [`/channels/${ch.id}`, { method: "DELETE" }],
    ] as const) {
      const res = await api(p, path, { ...init, ro: true });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "wrong api key" });
    }
    expect(await stored(ch.id as string)).toMatchObject({ name: "x" });
  });

  it("answers 404 to another project's key and leaves the channel alone", async () => {
    const owner = await makeProject();
    const intruder = await makeProject();
    const ch = await createChannel(owner, { name: "mine", kind: "slack", value: "https://x.example/a" });
    const checkId = (await (await api(owner, "/checks/", { body: { channels: "*" } })).json<{ uuid: string }>()).uuid;
    expect((await api(intruder, `/channels/${ch.id}`, { body: { name: "stolen", value: "https://evil.example" } })).status).toBe(404);
    expect((await api(intruder, `/channels/${ch.id}`, { method: "DELETE" })).status).toBe(404);
    expect(await stored(ch.id as string)).toMatchObject({ project_id: owner.id, name: "mine", value: JSON.stringify("https://x.example/a") });
    expect((await view(checkId)).config.channels).toBe(ch.id);
    expect(await (await api(intruder, "/channels/")).json()).toEqual({ channels: [] });
  });
});
