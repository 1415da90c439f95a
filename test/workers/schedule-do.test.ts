// Cron and OnCalendar checks through the DO: expected times from the last ping, in the check's zone.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getStatus } from "../../src/checks/status";
import { alarmAt, call, makeCheck, patchState, stub, view } from "./helpers";

const at = (iso: string) => Date.parse(iso);

async function pingedAt(fields: Parameters<typeof makeCheck>[0], lastPing: string) {
  const c = await makeCheck(fields);
  await call(`/ping/${c.id}`);
  await patchState(c.id, { last_ping: at(lastPing) });
  return c;
}

describe("schedules through the DO", () => {
  it("a cron check pinged at 23:59 for `0 0 * * *` is expected at 00:00", async () => {
    const { id } = await pingedAt({ kind: "cron", schedule: "0 0 * * *", tz: "UTC" }, "2024-01-01T23:59:00Z");
    const v = await view(id);
    expect(v.grace_start).toBe(at("2024-01-02T00:00:00Z"));
    expect(v.alert_after).toBe(at("2024-01-02T01:00:00Z"));
  });

  it("Healthchecks row 5: `15 * * * *` in Riga across the fall-back hour stays up", async () => {
    const { id } = await pingedAt({ kind: "cron", schedule: "15 * * * *", tz: "Europe/Riga", grace: 300 }, "2023-10-29T00:55:00Z");
    const v = await view(id);
    expect(v.grace_start).toBe(at("2023-10-29T01:15:00Z"));
    expect(getStatus(v.config, v.state, at("2023-10-29T01:05:00Z"))).toBe("up");
  });

  it("Healthchecks row 18: cron moves a gap time forward, OnCalendar skips the day", async () => {
    const cron = await pingedAt({ kind: "cron", schedule: "30 3 * * *", tz: "Europe/Riga" }, "2021-03-27T01:30:00Z");
    expect((await view(cron.id)).grace_start).toBe(at("2021-03-28T01:00:00Z"));
    const onc = await pingedAt({ kind: "oncalendar", schedule: "03:30", tz: "Europe/Riga" }, "2021-03-27T01:30:00Z");
    expect((await view(onc.id)).grace_start).toBe(at("2021-03-29T00:30:00Z"));
  });

  it("an OnCalendar check with no future occurrence is never late and arms no deadline", async () => {
    const { id } = await pingedAt({ kind: "oncalendar", schedule: "2019-01-01", tz: "UTC" }, "2020-01-01T00:00:00Z");
    const v = await view(id);
    expect(v.grace_start).toBeNull();
    expect(v.alert_after).toBeNull();
    expect(v.status).toBe("up");
  });

  it("a late cron check goes down at its fire time plus grace", async () => {
    const { id } = await pingedAt({ kind: "cron", schedule: "0 * * * *", tz: "UTC", grace: 60 }, "2024-01-01T00:00:00Z");
    expect(await alarmAt(id)).toBeLessThanOrEqual(Date.now() + 1000);
    await runDurableObjectAlarm(stub(id));
    const flips = (await stub(id).flips())!.filter((f) => f.reason === "timeout");
    expect(flips).toEqual([expect.objectContaining({ new_status: "down", created: at("2024-01-01T01:01:00Z") })]);
  });
});
