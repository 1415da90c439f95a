// The every-minute sweeper and the D1 summary it reads (invariant 5 in docs/architecture.md).
import { createScheduledController, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweep } from "../../src/sweeper/sweep";
import worker from "../../src/index";
import { call, makeCheck, stub, summaryRow, view } from "./helpers";

const MIN = 60_000;
const DAY = 86_400_000;

describe("summary mirror", () => {
  it("mirrors a flip before the ping is answered", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/fail`);
    expect(await summaryRow(id)).toMatchObject({ status: "down", alert_after: null, n_pings: 1 });
  });

  it("mirrors a run starting and ending before the ping is answered", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    await call(`/ping/${id}/start`);
    const started = await summaryRow(id);
    expect(started!.last_start).toBe((await view(id)).state.last_start);
    await call(`/ping/${id}`);
    expect((await summaryRow(id))!.last_start).toBeNull();
  });

  it("mirrors pause and resume", async () => {
    const { id, stub: s } = await makeCheck();
    await call(`/ping/${id}`);
    await s.pause();
    expect(await summaryRow(id)).toMatchObject({ status: "paused", alert_after: null });
    await s.resume();
    expect(await summaryRow(id)).toMatchObject({ status: "new", last_ping: null });
  });

  it("stores the deadline and the grace start the list and badges read", async () => {
    const { id } = await makeCheck({ timeout: 120, grace: 60 });
    await call(`/ping/${id}`);
    const v = await view(id);
    expect(await summaryRow(id)).toMatchObject({ grace_start: v.state.last_ping! + 120_000, alert_after: v.state.last_ping! + 180_000 });
  });
});

describe("sweeper", () => {
  it("pokes a check whose deadline passed without a flip (a lost alarm) and it goes down", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    const past = Date.now() - 2 * DAY;
    // Simulate an object whose alarm was lost while it sat overdue.
    await runInDurableObject(stub(id), async (_i, state) => {
      state.storage.sql.exec("UPDATE state SET last_ping = ? WHERE id = 1", past);
      state.storage.sql.exec("DELETE FROM schedule WHERE item = 'mirror'");
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub(id));
    await env.DB.prepare("UPDATE checks SET last_ping = ?, alert_after = ?2, next_alarm = ?2 WHERE id = ?3").bind(past, past + 25 * 3600_000, id).run();
    const report = await sweep(env, Date.now());
    expect(report.poked).toBeGreaterThanOrEqual(1);
    expect(await summaryRow(id)).toMatchObject({ status: "down" });
    expect((await stub(id).flips())!.filter((f) => f.reason === "timeout")).toHaveLength(1);
  });

  it("leaves a check whose deadline is less than a minute overdue to its alarm", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    const recent = Date.now() - 30_000;
    await env.DB.prepare("UPDATE checks SET alert_after = ?1, next_alarm = ?1 WHERE id = ?2").bind(recent, id).run();
    await sweep(env, Date.now());
    // Not poked: a poke would have re-mirrored the real deadline.
    expect((await summaryRow(id))!.alert_after).toBe(recent);
  });

  it("corrects a stale summary deadline without a flip", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    await env.DB.prepare("UPDATE checks SET alert_after = ?1, next_alarm = ?1 WHERE id = ?2").bind(Date.now() - 10 * MIN, id).run();
    await sweep(env, Date.now());
    const v = await view(id);
    expect(await summaryRow(id)).toMatchObject({ status: "up", alert_after: v.alert_after });
    expect((await stub(id).flips())!.filter((f) => f.new_status === "down")).toEqual([]);
  });

  it("finishes a removal that was interrupted after the tombstone", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    await env.DB.prepare("UPDATE checks SET deleted_at = ? WHERE id = ?").bind(Date.now() - 2 * MIN, id).run();
    const report = await sweep(env, Date.now());
    expect(report.removed).toBe(1);
    expect(await summaryRow(id)).toBeNull();
    expect(await stub(id).state()).toBeNull();
    expect((await call(`/ping/${id}`)).status).toBe(404);
  });

  it("deletes expired sessions and notification-log rows older than 93 days", async () => {
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO user (id, name, email, updated_at) VALUES ('u', 'u', 'u@example.org', 0)"),
      env.DB.prepare("INSERT INTO session (id, token, user_id, updated_at, expires_at) VALUES ('old', 'old', 'u', 0, ?), ('new', 'new', 'u', 0, ?)").bind(now - 1, now + DAY),
      env.DB.prepare(
        `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, created, updated)
         VALUES ('f1', 'c', 'k', 'p', 'sent', ?, 0), ('f2', 'c', 'k', 'p', 'sent', ?, 0)`,
      ).bind(now - 94 * DAY, now - 92 * DAY),
    ]);
    await sweep(env, now);
    const sessions = await env.DB.prepare("SELECT id FROM session WHERE user_id = 'u'").all();
    expect(sessions.results).toEqual([{ id: "new" }]);
    const notes = await env.DB.prepare("SELECT flip_id FROM notifications").all();
    expect(notes.results).toEqual([{ flip_id: "f2" }]);
  });

  it("runs as the Worker's scheduled handler", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO user (id, name, email, updated_at) VALUES ('u2', 'u', 'u2@example.org', 0)"),
      env.DB.prepare("INSERT INTO session (id, token, user_id, updated_at, expires_at) VALUES ('x', 'x', 'u2', 0, 1)"),
    ]);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
    expect(await env.DB.prepare("SELECT 1 FROM session WHERE id = 'x'").first()).toBeNull();
  });
});
