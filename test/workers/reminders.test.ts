// "Still down" reminders: a per-project period, driven by each down check's alarm, delivered through
// the same outbox and queue with their own ids, stopping when the check recovers or is paused.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, call, makeCheck, patchState, recordAlerts, stub, type TestProject } from "./helpers";

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
  await runInDurableObject(stub(c.id), (_i, state) => {
    state.storage.sql.exec("UPDATE flips SET created = ? WHERE new_status = 'down'", since);
  });
  await patchState(c.id, { nag_due: Date.now() - 1 });
  const rec = await recordAlerts(c.id, false);
  return { ...c, since, rec };
}

const nagState = (id: string) =>
  runInDurableObject(stub(id), (_i, state) => state.storage.sql.exec("SELECT nag_due, nag_count FROM state").one());

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
    const { id, rec, since } = await downSince(HOUR + 60_000, 3600);
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
    const flipIds = (await stub(id).flips())!.map((f) => f.id);
    expect(flipIds).not.toContain(rec.sent[0]!.flip_id);
    expect(await nagState(id)).toEqual({ nag_due: since + 2 * HOUR, nag_count: 1 });
    // Not again before the next period.
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(1);
  });

  it("waits a full day for daily reminders", async () => {
    const { id, rec, since } = await downSince(2 * HOUR, 86400);
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect(await nagState(id)).toEqual({ nag_due: since + 24 * HOUR, nag_count: 0 });
  });

  it("sends nothing when reminders are off, and looks again in an hour", async () => {
    const { id, rec } = await downSince(3 * HOUR, 0);
    const before = Date.now();
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect((await nagState(id)).nag_due).toBeGreaterThanOrEqual(before + HOUR);
  });

  it("stops when the check recovers", async () => {
    const { id, rec } = await downSince(3 * HOUR, 3600);
    await call(`/ping/${id}`);
    await runDurableObjectAlarm(stub(id));
    // Only the recovery alert itself: every message sent is a real flip, none a reminder.
    const flipIds = new Set((await stub(id).flips())!.map((f) => f.id));
    expect(rec.sent.map((m) => flipIds.has(m.flip_id))).toEqual([true]);
    expect((await nagState(id)).nag_due).toBeNull();
  });

  it("stops when the check is paused", async () => {
    const { id, rec } = await downSince(3 * HOUR, 3600);
    await stub(id).pause();
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toEqual([]);
    expect((await nagState(id)).nag_due).toBeNull();
  });
});
