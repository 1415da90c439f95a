// invariant 4 in docs/architecture.md on the DO side: flip + outbox + snapshot in one transaction, drained to the queue.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { removeCheck } from "../../src/checks/client";
import type { CheckSnapshot } from "../../src/checks/model";
import { consume } from "./alert-helpers";
import { call, makeCheck, outboxSize, patchState, pings, recordAlerts, stub } from "./helpers";

async function storedFlip(flipId: string) {
  const row = await env.DB.prepare("SELECT * FROM alert_flips WHERE id = ?").bind(flipId).first<Record<string, unknown>>();
  return row === null ? null : { ...row, snapshot: JSON.parse(row.snapshot as string) as CheckSnapshot };
}

describe("outbox", () => {
  it("sends one message per alerting flip, carrying ids only, with the snapshot stored in D1", async () => {
    const { id, project } = await makeCheck({ name: "nightly backup", tags: "prod db" });
    const rec = await recordAlerts(id);
    await call(`/ping/${id}/7`, { method: "POST", body: "disk full" });
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    const [msg] = rec.sent;
    expect(Object.keys(msg!).sort()).toEqual(["check_id", "flip_id", "project_id"]);
    expect(msg).toMatchObject({ check_id: id, project_id: project.id });
    expect(await outboxSize(id)).toBe(0);
    const flip = await storedFlip(msg!.flip_id);
    expect(flip).toMatchObject({ check_id: id, old_status: "new", new_status: "down", reason: "fail" });
    expect(flip!.snapshot).toMatchObject({
      last_ping_body: "disk full",
      last_ping_exitstatus: 7,
      last_ping_kind: "fail",
      new_status: "down",
      check: { name: "nightly backup", tags: "prod db", status: "down", uuid: id, ping_url: `http://localhost/ping/${id}` },
    });
    expect(flip!.snapshot.flip_time).toBe((await stub(id).flips())![0]!.created);
  });

  it("sends nothing for new→up, paused→up, pause and resume flips", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    await call(`/ping/${id}`);
    await s.pause();
    await call(`/ping/${id}`);
    await s.pause();
    await s.resume();
    await runDurableObjectAlarm(s);
    expect((await s.flips())!.map((f) => `${f.old_status}>${f.new_status}`)).toEqual([
      "new>up",
      "up>paused",
      "paused>up",
      "up>paused",
      "paused>new",
    ]);
    expect(rec.sent).toEqual([]);
    expect(await outboxSize(id)).toBe(0);
  });

  it("yields exactly one message when the drain is interrupted and retried", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    rec.failNext(2);
    await call(`/ping/${id}/fail`);
    await runDurableObjectAlarm(s);
    // A failed send: the row is still there, nothing was delivered.
    expect(await outboxSize(id)).toBe(1);
    expect(rec.sent).toEqual([]);
    // The sweeper's poke hands over every row at once, whatever its backoff: one more failure, then success.
    await s.poke();
    expect(rec.sent).toEqual([]);
    await s.poke();
    expect(rec.sent).toHaveLength(1);
    expect(await outboxSize(id)).toBe(0);
    const { results } = await env.DB.prepare("SELECT id FROM alert_flips WHERE check_id = ?").bind(id).all();
    expect(results).toHaveLength(1);
  });

  it("waits for a failed hand-over's backoff before trying again", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    rec.failNext(1);
    await call(`/ping/${id}/fail`);
    await runDurableObjectAlarm(s);
    // The first attempt failed; alarms before its backoff has passed do not try again.
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(s);
    expect(rec.sent).toEqual([]);
    const attempts = await runInDurableObject(s, (_i, state) => state.storage.sql.exec("SELECT attempts, next_attempt FROM outbox").one());
    expect(attempts.attempts).toBe(1);
    expect(attempts.next_attempt as number).toBeGreaterThan(Date.now());
    await runInDurableObject(s, (_i, state) => {
      state.storage.sql.exec("UPDATE outbox SET next_attempt = ?", Date.now() - 1);
    });
    await runDurableObjectAlarm(s);
    expect(rec.sent).toHaveLength(1);
  });

  it("records the down duration in recovery alerts", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    await call(`/ping/${id}/fail`);
    await runDurableObjectAlarm(s);
    expect(rec.sent).toHaveLength(1);
    await patchState(id, { down_since: Date.now() - 600_000 });
    const again = await recordAlerts(id);
    await call(`/ping/${id}`);
    await runDurableObjectAlarm(s);
    expect(again.sent).toHaveLength(1);
    const up = await storedFlip(again.sent[0]!.flip_id);
    expect(up!.snapshot.new_status).toBe("up");
    expect(up!.snapshot.down_duration).toBeGreaterThanOrEqual(600_000);
    expect(up!.snapshot.down_duration).toBeLessThan(660_000);
  });

  it("still sends the alert of a failing ping when the check is removed right after", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    await call(`/ping/${id}/fail`);
    expect(await removeCheck(env, id)).toBe(true);
    expect(rec.sent).toHaveLength(1);
    expect(await storedFlip(rec.sent[0]!.flip_id)).not.toBeNull();
    expect(await s.state()).toBeNull();
    expect((await call(`/ping/${id}`)).status).toBe(404);
  });

  it("removal waits for a queue outage to end before deleting the check's storage", async () => {
    const { id, stub: s } = await makeCheck();
    const rec = await recordAlerts(id);
    rec.failNext(100);
    await call(`/ping/${id}/fail`);
    expect(await removeCheck(env, id)).toBe(false);
    // Tombstoned: pings are refused at once although the storage is still there.
    expect((await call(`/ping/${id}`)).status).toBe(404);
    expect(await outboxSize(id)).toBe(1);
    rec.failNext(0);
    await runDurableObjectAlarm(s);
    expect(rec.sent).toHaveLength(1);
    expect(await outboxSize(id)).toBe(0);
    expect(await removeCheck(env, id)).toBe(true);
    expect(await env.DB.prepare("SELECT id FROM checks WHERE id = ?").bind(id).first()).toBeNull();
  });
});

describe("alerts queue consumer", () => {
  it("acknowledges a message whose flip snapshot is stored", async () => {
    const { id } = await makeCheck();
    const rec = await recordAlerts(id);
    await call(`/ping/${id}/fail`);
    await runDurableObjectAlarm(stub(id));
    const result = await consume(rec.sent[0]!);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a message whose snapshot is missing", async () => {
    const body = { flip_id: crypto.randomUUID(), check_id: crypto.randomUUID(), project_id: "p" };
    const result = await consume(body, { attempts: 2 });
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
  });

  it("records nothing for pings that do not flip", async () => {
    const { id } = await makeCheck();
    const rec = await recordAlerts(id);
    for (let i = 0; i < 3; i++) await call(`/ping/${id}`);
    await call(`/ping/${id}/start`);
    await call(`/ping/${id}/log`);
    expect((await pings(id)).length).toBe(5);
    expect(rec.sent).toEqual([]);
  });
});
