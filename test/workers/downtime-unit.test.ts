// The monthly downtime summary of the details page (Healthchecks' Check.downtimes), as a pure
// function of flips, stored status, time and zone: no bindings.
import { describe, expect, it } from "vitest";
import { dailyDowntime, downPeriods, downtimeSummary } from "../../src/checks/downtime";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3600;
// Riga is UTC+2 in winter and UTC+3 from the last Sunday of March (29 March 2026).
const NOW = at("2026-03-15T12:00:00Z");
const base = { now: NOW, tz: "Europe/Riga", created: at("2025-01-01T00:00:00Z") };
const flip = (iso: string, old_status: string) => ({ created: at(iso), old_status });
/** March 2026 in Riga lasts 31 days less the hour lost to summer time. */
const MARCH = 31 * 24 * HOUR - HOUR;
const FEBRUARY = 28 * 24 * HOUR;

describe("downtimeSummary", () => {
  it("with no flips every month is all good", () => {
    const months = downtimeSummary({ ...base, flips: [], status: "up" });
    expect(months).toEqual([
      { month: "2026-03", start: "2026-02-28T22:00:00.000Z", count: 0, duration: 0, uptime_pct: 100, no_data: false },
      { month: "2026-02", start: "2026-01-31T22:00:00.000Z", count: 0, duration: 0, uptime_pct: 100, no_data: false },
      { month: "2026-01", start: "2025-12-31T22:00:00.000Z", count: 0, duration: 0, uptime_pct: 100, no_data: false },
    ]);
  });

  it("puts months at local midnight: a downtime on 1 March local time (28 February UTC) is March's", () => {
    const flips = [flip("2026-02-28T23:00:00Z", "up"), flip("2026-03-01T01:00:00Z", "down")];
    const [march, february] = downtimeSummary({ ...base, flips, status: "up" });
    expect(march).toMatchObject({ month: "2026-03", count: 1, duration: 2 * HOUR });
    expect(march!.uptime_pct).toBeCloseTo(((MARCH - 2 * HOUR) / MARCH) * 100, 10);
    expect(february).toMatchObject({ month: "2026-02", count: 0, duration: 0, uptime_pct: 100 });
    // The same flips read in UTC split at midnight UTC instead.
    const [utcMarch, utcFebruary] = downtimeSummary({ ...base, tz: "UTC", flips, status: "up" });
    expect([utcMarch!.duration, utcFebruary!.duration]).toEqual([HOUR, HOUR]);
  });

  it("counts a downtime spanning two months in each, with the part that fell in it", () => {
    const flips = [flip("2026-02-27T22:00:00Z", "up"), flip("2026-03-01T22:00:00Z", "down")];
    const [march, february, january] = downtimeSummary({ ...base, flips, status: "up" });
    expect(march).toMatchObject({ count: 1, duration: 24 * HOUR });
    expect(february).toMatchObject({ count: 1, duration: 24 * HOUR });
    expect(february!.uptime_pct).toBeCloseTo((27 / 28) * 100, 10);
    expect(january).toMatchObject({ count: 0, duration: 0 });
  });

  it("counts a check that is still down up to now", () => {
    const flips = [flip("2026-02-20T00:00:00Z", "up")];
    const [march, february] = downtimeSummary({ ...base, flips, status: "down" });
    expect(march).toMatchObject({ count: 1, duration: (14 * 24 + 14) * HOUR });
    expect(february).toMatchObject({ count: 1, duration: (8 * 24 + 22) * HOUR });
  });

  it("a check down since before the months shown is down in each of them", () => {
    const months = downtimeSummary({ ...base, flips: [flip("2025-10-01T00:00:00Z", "up")], status: "down" });
    expect(months.map((m) => [m.count, m.uptime_pct])).toEqual([
      [1, ((MARCH - (NOW - at("2026-02-28T22:00:00Z")) / 1000) / MARCH) * 100],
      [1, 0],
      [1, 0],
    ]);
    expect(months[1]!.duration).toBe(FEBRUARY);
  });

  it("paused and new stretches are not downtime; several downs in a month add up", () => {
    const flips = [
      flip("2026-03-02T10:00:00Z", "up"), // down for 1 h
      flip("2026-03-02T11:00:00Z", "down"),
      flip("2026-03-03T10:00:00Z", "up"), // paused for a day
      flip("2026-03-04T10:00:00Z", "paused"),
      flip("2026-03-05T10:00:00Z", "new"), // down for 30 min
      flip("2026-03-05T10:30:00Z", "down"),
    ];
    const [march] = downtimeSummary({ ...base, flips, status: "up" });
    expect(march).toMatchObject({ count: 2, duration: 1.5 * HOUR });
  });

  it("marks the months that ended before the check was created", () => {
    const months = downtimeSummary({ ...base, created: at("2026-02-10T00:00:00Z"), flips: [], status: "new" });
    expect(months.map((m) => m.no_data)).toEqual([false, false, true]);
    const fresh = downtimeSummary({ ...base, created: at("2026-03-10T00:00:00Z"), flips: [], status: "new" });
    expect(fresh.map((m) => m.no_data)).toEqual([false, true, true]);
  });

  it("finds the current month in the zone, not in UTC, around New Year", () => {
    // 31 December 23:30 UTC is already 1 January in Riga.
    const months = downtimeSummary({ ...base, now: at("2025-12-31T23:30:00Z"), flips: [], status: "up" });
    expect(months.map((m) => m.month)).toEqual(["2026-01", "2025-12", "2025-11"]);
    expect(downtimeSummary({ ...base, tz: "UTC", now: at("2025-12-31T23:30:00Z"), flips: [], status: "up" })[0]!.month).toBe("2025-12");
  });
});

describe("down periods and daily downtime (the status bar and the list's strip)", () => {
  const H = 3_600_000;
  const t0 = Date.parse("2026-03-28T00:00:00Z");
  const flip = (created: number, old_status: string, new_status: string) => ({ created, old_status, new_status });

  it("pairs down flips with the flip that ended them, clipped to the window, the last one open", () => {
    const flips = [flip(t0 - 10 * H, "up", "down"), flip(t0 + H, "down", "up"), flip(t0 + 5 * H, "up", "down")];
    expect(downPeriods({ flips, status: "down", now: t0 + 6 * H, since: t0 })).toEqual([
      [t0, t0 + H],
      [t0 + 5 * H, null],
    ]);
    // A period that ended before the window is left out.
    expect(downPeriods({ flips: flips.slice(0, 2), status: "up", now: t0 + 6 * H, since: t0 + 2 * H })).toEqual([]);
  });

  it("takes a check down since before its kept flips as down from the window's start", () => {
    expect(downPeriods({ flips: [], status: "down", now: t0, since: t0 - H })).toEqual([[t0 - H, null]]);
    expect(downPeriods({ flips: [flip(t0 - H / 2, "down", "up")], status: "up", now: t0, since: t0 - H })).toEqual([[t0 - H, t0 - H / 2]]);
    expect(downPeriods({ flips: [], status: "up", now: t0, since: t0 - H })).toEqual([]);
  });

  it("splits downtime into the zone's calendar days, today up to now, across a DST change", () => {
    // Europe/Berlin springs forward on 2026-03-29: that day is 23 hours long.
    const tz = "Europe/Berlin";
    const now = Date.parse("2026-03-30T10:00:00Z");
    const periods: [number, number | null][] = [[Date.parse("2026-03-28T22:00:00Z"), Date.parse("2026-03-29T23:00:00Z")], [Date.parse("2026-03-30T09:00:00Z"), null]];
    const days = dailyDowntime(periods, { now, days: 3, tz });
    expect(days.map((d) => d.day)).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
    expect(days.map((d) => d.start)).toEqual([Date.parse("2026-03-27T23:00:00Z"), Date.parse("2026-03-28T23:00:00Z"), Date.parse("2026-03-29T22:00:00Z")]);
    expect(days.map((d) => d.down_ms / H)).toEqual([1, 23, 2]);
  });
});
