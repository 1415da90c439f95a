// The alarm is the deadline (invariant 3 in docs/architecture.md), fired with runDurableObjectAlarm.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { removeCheck } from "../../src/checks/client";
import { env } from "cloudflare:workers";
import { alarmAt, call, makeCheck, patchState, stub, summaryRow, view } from "./helpers";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function upCheck(lastPingAgo: number) {
  const c = await makeCheck();
  await call(`/ping/${c.id}`);
  await patchState(c.id, { last_ping: Date.now() - lastPingAgo });
  return c;
}

describe("CheckDO alarm", () => {
  it("arms the alarm at going_down_after after every ping", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    const v = await view(id);
    // A coalesced summary write may be due first; the deadline is never later than the alarm.
    await runDurableObjectAlarm(stub(id));
    expect(await alarmAt(id)).toBe(v.alert_after);
    expect(v.alert_after).toBe(v.state.last_ping! + 25 * HOUR);
  });

  it("does nothing while the check is in its grace period (up, last ping 1 d 30 min ago)", async () => {
    const { id, stub: s } = await upCheck(DAY + 30 * MIN);
    await runDurableObjectAlarm(s);
    expect((await view(id)).state.status).toBe("up");
    expect((await s.flips())!.filter((f) => f.reason === "timeout")).toEqual([]);
  });

  it("flips a late check down with a timeout flip created at going_down_after", async () => {
    const { id, stub: s } = await upCheck(2 * DAY);
    const deadline = (await view(id)).alert_after!;
    await runDurableObjectAlarm(s);
    const v = await view(id);
    expect(v.state.status).toBe("down");
    expect(v.alert_after).toBeNull();
    const timeouts = (await s.flips())!.filter((f) => f.reason === "timeout");
    expect(timeouts).toEqual([expect.objectContaining({ old_status: "up", new_status: "down", created: deadline })]);
    // Status changes are mirrored before the DO answers.
    expect(await summaryRow(id)).toMatchObject({ status: "down", alert_after: null });
  });

  it("makes no flip when it fires after the check was pinged again", async () => {
    const { id, stub: s } = await upCheck(2 * DAY);
    await call(`/ping/${id}`);
    await runDurableObjectAlarm(s);
    expect((await view(id)).state.status).toBe("up");
    expect((await s.flips())!.filter((f) => f.reason === "timeout")).toEqual([]);
  });

  it("makes one flip when it runs twice", async () => {
    const { stub: s } = await upCheck(2 * DAY);
    await runDurableObjectAlarm(s);
    await s.poke();
    await runDurableObjectAlarm(s);
    expect((await s.flips())!.filter((f) => f.reason === "timeout")).toHaveLength(1);
  });

  it("makes no flip for a paused check", async () => {
    const { id, stub: s } = await upCheck(2 * DAY);
    await s.pause();
    expect(await alarmAt(id)).toBeNull();
    await runDurableObjectAlarm(s);
    await s.poke();
    expect((await view(id)).state.status).toBe("paused");
    expect((await s.flips())!.some((f) => f.new_status === "down")).toBe(false);
  });

  it("makes no flip for a deleted check and leaves no alarm", async () => {
    const { id, stub: s } = await upCheck(2 * DAY);
    expect(await removeCheck(env, id)).toBe(true);
    expect(await runDurableObjectAlarm(s)).toBe(false);
    expect(await s.state()).toBeNull();
    expect(await s.flips()).toBeNull();
    expect(await alarmAt(id)).toBeNull();
  });

  it("flips a started check down when the run outlasts its grace", async () => {
    const { id, stub: s } = await makeCheck();
    await call(`/ping/${id}/start`);
    const start = Date.now() - 2 * HOUR;
    await patchState(id, { last_start: start });
    await runDurableObjectAlarm(s);
    const v = await view(id);
    expect(v.state.status).toBe("down");
    expect((await s.flips())!).toEqual([
      expect.objectContaining({ old_status: "new", new_status: "down", reason: "timeout", created: start + HOUR }),
    ]);
  });

  it("re-arms a deadline that passed while the object was not running", async () => {
    const { id } = await upCheck(2 * DAY);
    // patchState evicted the object; its constructor must arm an alarm for the overdue deadline.
    const at = await alarmAt(id);
    expect(at).not.toBeNull();
    expect(at!).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
