// "Still down" reminders: a per-project period, driven by each down check's alarm, delivered through
// the same outbox and queue with their own ids, stopping when the check recovers or is paused.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { ADMIN, call, makeCheck, patchSchedule, patchState, recordAlerts, scheduled, stub, type TestProject } from "./helpers";

const HOUR = 3_600_000;

const setNag = (p: TestProject, nag_period: unknown) =>
  call(`/admin/v1/projects/${p.id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ nag_period }) });

/** A check that went down `ago` ms ago and whose next look at reminders is due now. */
async function downSince(ago: number, nag: number) {
  const c = await makeCheck();
  expect((await setNag(c.project, nag)).status).toBe(200);
  await call(`/ping/${c.id}/fail`);
  await runDurableObjectAlarm(stub(c.id));
  const since = Date.now() - ago;
  await patchState(c.id, { down_since: since });
  await patchSchedule(c.id, "reminder", Date.now() - 1);
  const rec = await recordAlerts(c.id, false);
  return { ...c, since, rec };
}

const reminderState = (id: string) =>
  runInDurableObject(stub(id), (_i, state) => state.storage.sql.exec("SELECT down_since, last_reminder FROM state").one());

describe("PATCH /admin/v1/projects/<id>", () => {
  it("sets the reminder period to off, hourly or daily", async () => {
    const { project } = await makeCheck();
    for (const period of [3600, 86400, 0]) {
      const res = await setNag(project, period);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: project.id, nag_period: period });
    }
  });

  it("refuses other values and unknown projects", async () => {
    const { project } = await makeCheck();
    const res = await setNag(project, 60);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "json validation error: nag_period must be 0 (off), 3600 (hourly) or 86400 (daily)" });
    expect((await setNag({ ...project, id: crypto.randomUUID() }, 3600)).status).toBe(404);
  });
});

describe("reminders", () => {
  it("sends an hourly reminder for a check down for over an hour, with its own id", async () => {
    const { id, rec } = await downSince(HOUR + 60_000, 3600);
    const before = Date.now();
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    const flipIds = (await stub(id).flips())!.map((f) => f.id);
    expect(flipIds).not.toContain(rec.sent[0]!.flip_id);
    const { last_reminder } = await reminderState(id);
    expect(last_reminder as number).toBeGreaterThanOrEqual(before);
    expect((await scheduled(id)).reminder).toBe((last_reminder as number) + HOUR);
    // Not again before the next period.
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
  });

  it("turned on for a check down for 30 days: one reminder, then one per period — never a catch-up storm", async () => {
    const { id, rec } = await downSince(30 * 24 * HOUR, 3600);
    for (let i = 0; i < 5; i++) await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    const due = (await scheduled(id)).reminder!;
    expect(due).toBeGreaterThan(Date.now() + HOUR - 60_000);
  });

  it("sends the next reminder a period after the last one, and each has its own id", async () => {
    const { id, rec } = await downSince(3 * HOUR, 3600);
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    // An hour passes.
    await patchState(id, { last_reminder: Date.now() - HOUR - 1000 });
    await patchSchedule(id, "reminder", Date.now() - 1);
    const rec2 = await recordAlerts(id, false);
    await runDurableObjectAlarm(stub(id));
    expect(rec2.sent).toHaveLength(1);
    expect(rec2.sent[0]!.flip_id).not.toBe(rec.sent[0]!.flip_id);
  });

  it("counts the downtime from the stored down-since time even after the down flip was pruned", async () => {
    const { id, rec, since } = await downSince(100 * 24 * HOUR, 86400);
    await runInDurableObject(stub(id), (_i, state) => {
      state.storage.sql.exec("DELETE FROM flips");
    });
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    const row = await env.DB.prepare("SELECT snapshot FROM alert_flips WHERE id = ?").bind(rec.sent[0]!.flip_id).first<{ snapshot: string }>();
    const downFor = JSON.parse(row!.snapshot).down_duration as number;
    expect(downFor).toBeGreaterThanOrEqual(Date.now() - since - 60_000);
    expect(downFor).toBeLessThanOrEqual(Date.now() - since);
  });

  it("waits a full day for daily reminders", async () => {
    const { id, rec, since } = await downSince(2 * HOUR, 86400);
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect((await scheduled(id)).reminder).toBe(since + 24 * HOUR);
  });

  it("sends nothing when reminders are off, and looks again in an hour", async () => {
    const { id, rec } = await downSince(3 * HOUR, 0);
    const before = Date.now();
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect((await scheduled(id)).reminder).toBeGreaterThanOrEqual(before + HOUR);
  });

  it("stops when the check recovers", async () => {
    const { id, rec } = await downSince(3 * HOUR, 3600);
    await call(`/ping/${id}`);
    await runDurableObjectAlarm(stub(id));
    // Only the recovery alert itself: every message sent is a real flip, none a reminder.
    const flipIds = new Set((await stub(id).flips())!.map((f) => f.id));
    expect(rec.sent.map((m) => flipIds.has(m.flip_id))).toEqual([true]);
    expect((await scheduled(id)).reminder).toBeUndefined();
    expect((await reminderState(id)).down_since).toBeNull();
  });

  it("stops when the check is paused", async () => {
    const { id, rec } = await downSince(3 * HOUR, 3600);
    await stub(id).pause();
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect((await scheduled(id)).reminder).toBeUndefined();
  });
});
