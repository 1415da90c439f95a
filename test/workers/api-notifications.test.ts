// Seeing why an alert failed (beyond Healthchecks): GET /channels/<id> and the delivery logs
// GET /channels/<id>/notifications/ and GET /checks/<uuid>/notifications/, over real deliveries to
// the local receiver.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { channelDetailSchema, notificationListSchema } from "../../src/api/response-schemas";
import { checkWith, consume, flipped, LOOPBACK, receiver, script, webhookChannel } from "./alert-helpers";
import { api, makeProject, type TestProject } from "./helpers";

type Log = { notifications: Record<string, unknown>[]; next: string | null };

async function getJson<T>(p: TestProject, path: string): Promise<T> {
  const res = await api(p, path);
  expect(res.status, path).toBe(200);
  return res.json<T>();
}
const channelLog = async (p: TestProject, id: string, query = "") =>
  notificationListSchema.parse(await getJson(p, `/channels/${id}/notifications/${query}`)) as Log;
const checkLog = async (p: TestProject, uuid: string, query = "") =>
  notificationListSchema.parse(await getJson(p, `/checks/${uuid}/notifications/${query}`)) as Log;
const channel = async (p: TestProject, id: string) => channelDetailSchema.parse(await getJson(p, `/channels/${id}`));

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

describe("after real deliveries", () => {
  it("a delivered down and up show as sent, newest first, in both logs, and the channel's last result is sent", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    await consume(down);
    const up = await flipped(uuid, rec, "");
    await consume(up);
    const expected = [
      { flip_id: up.flip_id, check: uuid, channel: ch, kind_of_alert: "up", status: "sent", attempts: 1, error: "" },
      { flip_id: down.flip_id, check: uuid, channel: ch, kind_of_alert: "down", status: "sent", attempts: 1, error: "" },
    ].map((o) => ({ ...o, created: expect.stringMatching(ISO), updated: expect.stringMatching(ISO) }));
    expect(await channelLog(p, ch)).toEqual({ notifications: expected, next: null });
    expect(await checkLog(p, uuid)).toEqual({ notifications: expected, next: null });
    expect(await channel(p, ch)).toMatchObject({
      id: ch,
      kind: "webhook",
      last_result: "sent",
      last_error: "",
      last_notify: expect.stringMatching(ISO),
      last_notify_duration_ms: expect.any(Number),
      checks: [uuid],
    });
  });

  it("a receiver answering 500 shows as retrying with the error and the attempt, and the channel as retrying", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    await script(box, [500]);
    const ch = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down)).retryMessages).toHaveLength(1);
    expect((await channelLog(p, ch)).notifications).toEqual([
      expect.objectContaining({ flip_id: down.flip_id, kind_of_alert: "down", status: "retrying", attempts: 1, error: "Received status code 500" }),
    ]);
    expect(await channel(p, ch)).toMatchObject({ last_result: "retrying", last_error: "Received status code 500" });
  });

  it("an alert given up on shows as gave up, a refused one as failed", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid, rec } = await checkWith(p, ch);
    const down = await flipped(uuid, rec, "/fail");
    // The dead-letter consumer gives up on it; the next alert meets the private-address guard (default env).
    await consume(down, { queue: "alerts-dlq" });
    const up = await flipped(uuid, rec, "");
    await consume(up, { env });
    expect((await checkLog(p, uuid)).notifications.map((n) => [n.kind_of_alert, n.status, n.error])).toEqual([
      ["up", "failed", "Connections to private IP addresses are not allowed"],
      ["down", "gave up", "gave up after 0 attempts: the alert could not be processed"],
    ]);
    expect((await channel(p, ch)).last_result).toBe("failed");
  });

  it("a test notification is listed with kind test and no check", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    expect(await (await api(p, `/channels/${ch}/test`, { method: "POST", vars: LOOPBACK })).json()).toEqual({ ok: true, error: "" });
    expect((await channelLog(p, ch)).notifications).toEqual([
      expect.objectContaining({ check: null, channel: ch, kind_of_alert: "test", status: "sent", attempts: 1 }),
    ]);
  });
});

/** A delivery record written directly (with its alert row when `alert` is given). */
async function insertRow(o: { flip?: string; channel: string; check: string; project: string; created: number; alert?: { new_status: string; reason: string } }) {
  const flip = o.flip ?? crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, lease_until, created, updated)
     VALUES (?, ?, ?, ?, 'sent', '', 1, NULL, ?, ?)`,
  ).bind(flip, o.channel, o.check, o.project, o.created, o.created).run();
  if (o.alert !== undefined) {
    await env.DB.prepare(
      `INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, seq, watch_until)
       VALUES (?, ?, ?, ?, 'up', ?, ?, '{}', ?, 0, NULL)`,
    ).bind(flip, o.check, o.project, o.created, o.alert.new_status, o.alert.reason, o.created).run();
  }
  return flip;
}

describe("the log's contents", () => {
  it("names reminders, flapping and its end by the alert's reason", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid } = await checkWith(p, ch);
    const base = Date.now() - 10_000;
    for (const [i, alert] of [
      { new_status: "down", reason: "timeout" },
      { new_status: "down", reason: "reminder" },
      { new_status: "down", reason: "flapping" },
      { new_status: "up", reason: "flap_end" },
    ].entries()) {
      await insertRow({ channel: ch, check: uuid, project: p.id, created: base + i, alert });
    }
    expect((await checkLog(p, uuid)).notifications.map((n) => n.kind_of_alert)).toEqual(["flap_end", "flapping", "reminder", "down"]);
  });
});

describe("pagination", () => {
  it("pages through 120 records 50 at a time with next, newest first, each once, unaffected by newer records arriving", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid } = await checkWith(p, ch);
    const base = Date.now() - 1_000_000;
    // Pairs share a created time, so the cursor's tie-breakers (flip, channel) matter too.
    for (let i = 0; i < 120; i++) await insertRow({ channel: ch, check: uuid, project: p.id, created: base + Math.floor(i / 2) * 1000 });
    const first = await channelLog(p, ch);
    expect(first.notifications).toHaveLength(50);
    expect(first.next).not.toBeNull();
    // A newer record arrives between pages: it belongs before page one and changes no later page.
    await insertRow({ channel: ch, check: uuid, project: p.id, created: Date.now() });
    const second = await channelLog(p, ch, `?before=${first.next}`);
    const third = await channelLog(p, ch, `?before=${second.next}`);
    expect(second.notifications).toHaveLength(50);
    expect(third.notifications).toHaveLength(20);
    expect(third.next).toBeNull();
    const all = [...first.notifications, ...second.notifications, ...third.notifications];
    expect(new Set(all.map((n) => n.flip_id)).size).toBe(120);
    const key = (n: Record<string, unknown>) => `${n.created as string} ${n.flip_id as string}`;
    expect(all.map(key)).toEqual(all.map(key).sort().reverse());
    expect((await channelLog(p, ch, "?limit=100")).notifications).toHaveLength(100);
    expect((await checkLog(p, uuid, "?limit=7")).notifications).toHaveLength(7);
  });

  it("refuses a limit outside 1..100 and a cursor it did not make", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    for (const query of ["?limit=0", "?limit=101", "?limit=ten", "?limit=1.5"]) {
      const res = await api(p, `/channels/${ch}/notifications/${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toEqual({ error: "limit must be between 1 and 100" });
    }
    const res = await api(p, `/channels/${ch}/notifications/?before=nonsense`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "before is not a valid cursor" });
  });
});

describe("GET /channels/<id>", () => {
  it("shows a fresh channel's masked value, its flags, its checks and no deliveries yet", async () => {
    const p = await makeProject();
    const res = await api(p, "/channels/", {
      body: { name: "team", kind: "slack", value: `${receiver}/services/T0000/B0000/secretsecretabcd` },
    });
    const { id } = await res.json<{ id: string }>();
    const a = await checkWith(p, id, "a");
    const b = await checkWith(p, id, "b");
    expect(await channel(p, id)).toEqual({
      id,
      name: "team",
      kind: "slack",
      value: `${receiver}/…abcd`,
      disabled: false,
      email_verified: true,
      last_error: "",
      last_notify: null,
      last_notify_duration_ms: null,
      last_result: null,
      checks: [a.uuid, b.uuid],
    });
  });
});

describe("tenancy and keys", () => {
  it("another project's key gets 404 for the channel, its log and its check's log", async () => {
    const a = await makeProject("a");
    const b = await makeProject("b");
    const ch = await webhookChannel(a, crypto.randomUUID());
    const { uuid } = await checkWith(a, ch);
    for (const path of [`/channels/${ch}`, `/channels/${ch}/notifications/`, `/checks/${uuid}/notifications/`]) {
      const res = await api(b, path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: "not found" });
    }
  });

  it("a log lists only records of the key's project, even one naming the project's channel", async () => {
    const a = await makeProject("a");
    const b = await makeProject("b");
    const ch = await webhookChannel(b, crypto.randomUUID());
    const { uuid } = await checkWith(b, ch);
    // A record of project a that names b's channel and check: b must never see it.
    await insertRow({ channel: ch, check: uuid, project: a.id, created: Date.now() });
    expect((await channelLog(b, ch)).notifications).toEqual([]);
    expect((await checkLog(b, uuid)).notifications).toEqual([]);
    expect((await channel(b, ch)).last_result).toBeNull();
  });

  it("a read-only key gets 401 on all three", async () => {
    const p = await makeProject();
    const ch = await webhookChannel(p, crypto.randomUUID());
    const { uuid } = await checkWith(p, ch);
    for (const path of [`/channels/${ch}`, `/channels/${ch}/notifications/`, `/checks/${uuid}/notifications/`]) {
      const res = await api(p, path, { ro: true });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ error: "wrong api key" });
    }
  });
});
