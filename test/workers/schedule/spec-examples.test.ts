// Reference §3.5 (examples a reimplementation must reproduce) and §3.1 (rejected
// expressions), one test each.
import { describe, expect, it } from "vitest";
import {
  guessKind,
  nextFireTime,
  nextFireTimes,
  validateSchedule,
  type ScheduleKind,
} from "../../../src/checks/schedule/index";
import { iso } from "./helpers";

const HOUR = 3_600_000;
const d = (s: string) => new Date(s);
const times = (kind: ScheduleKind, s: string, tz: string, after: string, n: number) =>
  nextFireTimes(kind, s, tz, d(after), n).map(iso);

describe("Healthchecks' schedule examples", () => {
  it("#1 cron '0 0 * * *' UTC: grace at 01-02 00:00Z, down at 01:00Z", () => {
    const gs = nextFireTime("cron", "0 0 * * *", "UTC", d("2000-01-01T00:00:00Z"))!;
    expect(iso(gs)).toBe("2000-01-02T00:00:00Z");
    expect(iso(new Date(gs.getTime() + HOUR))).toBe("2000-01-02T01:00:00Z");
    // Still up one minute before the grace start.
    expect(gs.getTime()).toBeGreaterThan(d("2000-01-01T23:59:00Z").getTime());
  });

  it("#2 oncalendar '00:00' UTC: same as #1", () => {
    const gs = nextFireTime("oncalendar", "00:00", "UTC", d("2000-01-01T00:00:00Z"))!;
    expect(iso(gs)).toBe("2000-01-02T00:00:00Z");
    expect(iso(new Date(gs.getTime() + HOUR))).toBe("2000-01-02T01:00:00Z");
  });

  it("#3 cron '0 10 * * *' Australia/Brisbane: grace at 01-02 00:00Z (10:00 local)", () => {
    const gs = nextFireTime("cron", "0 10 * * *", "Australia/Brisbane", d("2000-01-01T00:00:00Z"))!;
    expect(iso(gs)).toBe("2000-01-02T00:00:00Z");
    expect(iso(new Date(gs.getTime() + HOUR))).toBe("2000-01-02T01:00:00Z");
  });

  it("#4 cron '0 * * * *' UTC: next_ping 2000-01-01T01:00Z", () => {
    expect(iso(nextFireTime("cron", "0 * * * *", "UTC", d("2000-01-01T00:00:00Z"))!)).toBe("2000-01-01T01:00:00Z");
  });

  it("#5 cron '15 * * * *' Europe/Riga at the 2023 fall-back: grace start 01:15Z, still up at 01:05Z", () => {
    const gs = nextFireTime("cron", "15 * * * *", "Europe/Riga", d("2023-10-29T00:55:00Z"))!;
    expect(iso(gs)).toBe("2023-10-29T01:15:00Z");
    expect(d("2023-10-29T01:05:00Z").getTime()).toBeLessThan(gs.getTime());
  });

  it("#6 oncalendar '2019-01-01' UTC after 2020: no occurrence (never late)", () => {
    expect(nextFireTime("oncalendar", "2019-01-01", "UTC", d("2020-01-01T00:00:00Z"))).toBeNull();
    expect(validateSchedule("oncalendar", "2019-01-01")).toEqual({ ok: true });
  });

  it("#7 cron '0 3 * * *' Europe/Riga spring 2021: the gap time moves to 04:00+03", () => {
    expect(times("cron", "0 3 * * *", "Europe/Riga", "2021-03-27T01:30:00+02:00", 3)).toEqual([
      "2021-03-27T01:00:00Z", // 03:00+02:00
      "2021-03-28T01:00:00Z", // 04:00+03:00 (03:00 does not exist)
      "2021-03-29T00:00:00Z", // 03:00+03:00
    ]);
  });

  it("#8 cron '0 3 * * *' Europe/Riga fall 2021: the repeated 03:00 fires once", () => {
    expect(times("cron", "0 3 * * *", "Europe/Riga", "2021-10-31T01:30:00+03:00", 2)).toEqual([
      "2021-10-31T00:00:00Z", // 03:00+03:00
      "2021-11-01T01:00:00Z", // 03:00+02:00
    ]);
  });

  it("#9 cron '*/30 * * * *' Europe/Riga fall 2021: elapsed time, the repeated hour fires twice", () => {
    expect(times("cron", "*/30 * * * *", "Europe/Riga", "2021-10-31T02:10:00+03:00", 6)).toEqual([
      "2021-10-30T23:30:00Z", // 02:30+03
      "2021-10-31T00:00:00Z", // 03:00+03
      "2021-10-31T00:30:00Z", // 03:30+03
      "2021-10-31T01:00:00Z", // 03:00+02
      "2021-10-31T01:30:00Z", // 03:30+02
      "2021-10-31T02:00:00Z", // 04:00+02
    ]);
  });

  it("#10 cron '0 * * * *' Europe/Riga spring 2021: 02:00+02 then 04:00+03", () => {
    expect(times("cron", "0 * * * *", "Europe/Riga", "2021-03-28T01:30:00+02:00", 2)).toEqual([
      "2021-03-28T00:00:00Z",
      "2021-03-28T01:00:00Z",
    ]);
  });

  it("#11 cron '0 9 * * 1-5' America/New_York across the 2024 spring-forward weekend", () => {
    expect(iso(nextFireTime("cron", "0 9 * * 1-5", "America/New_York", d("2024-03-08T14:00:00Z"))!)).toBe(
      "2024-03-11T13:00:00Z",
    );
  });

  it("#12 cron '1 1 * * 5L': last Friday of each month", () => {
    expect(times("cron", "1 1 * * 5L", "UTC", "2020-01-01T00:00:00Z", 3)).toEqual([
      "2020-01-31T01:01:00Z",
      "2020-02-28T01:01:00Z",
      "2020-03-27T01:01:00Z",
    ]);
  });

  it("#13 cron '1 1 * * */3': Sunday, Wednesday and Saturday", () => {
    expect(times("cron", "1 1 * * */3", "UTC", "2020-01-01T00:00:00Z", 4)).toEqual([
      "2020-01-01T01:01:00Z",
      "2020-01-04T01:01:00Z",
      "2020-01-05T01:01:00Z",
      "2020-01-08T01:01:00Z",
    ]);
  });

  it("#14 oncalendar '*-*-29 3:30' Europe/Riga 2020: March 29 falls in the gap and is skipped", () => {
    expect(times("oncalendar", "*-*-29 3:30", "Europe/Riga", "2020-01-01T00:00:00+02:00", 3)).toEqual([
      "2020-01-29T01:30:00Z", // 03:30+02
      "2020-02-29T01:30:00Z", // 03:30+02
      "2020-04-29T00:30:00Z", // 03:30+03
    ]);
  });

  it("#15 oncalendar '*-*-25 3:30' Europe/Riga fall 2020: first pass only", () => {
    expect(times("oncalendar", "*-*-25 3:30", "Europe/Riga", "2020-10-01T00:00:00+03:00", 2)).toEqual([
      "2020-10-25T00:30:00Z", // 03:30+03:00
      "2020-11-25T01:30:00Z", // 03:30+02:00
    ]);
  });

  it("#16 oncalendar '12:34 Europe/Riga' evaluated in Riga, reported for a UTC check", () => {
    expect(times("oncalendar", "12:34 Europe/Riga", "UTC", "2020-01-01T00:00:00Z", 2)).toEqual([
      "2020-01-01T10:34:00Z",
      "2020-01-02T10:34:00Z",
    ]);
  });

  it("#17 oncalendar '00:00\\n12:34' merges both lines", () => {
    expect(times("oncalendar", "00:00\n12:34", "UTC", "2020-01-01T00:00:00Z", 4)).toEqual([
      "2020-01-01T12:34:00Z",
      "2020-01-02T00:00:00Z",
      "2020-01-02T12:34:00Z",
      "2020-01-03T00:00:00Z",
    ]);
  });

  it("#18 cron '30 3 * * *' shifts, oncalendar '03:30' skips (Europe/Riga, spring 2021)", () => {
    const after = d("2021-03-27T01:30:00Z");
    expect(guessKind("30 3 * * *")).toBe("cron");
    expect(guessKind("03:30")).toBe("oncalendar");
    expect(iso(nextFireTime("cron", "30 3 * * *", "Europe/Riga", after)!)).toBe("2021-03-28T01:00:00Z");
    expect(iso(nextFireTime("oncalendar", "03:30", "Europe/Riga", after)!)).toBe("2021-03-29T00:30:00Z");
  });

  it("#19 cron '* * * * *': sub-second part dropped, strictly after", () => {
    expect(iso(nextFireTime("cron", "* * * * *", "UTC", d("2020-01-01T00:00:00.5Z"))!)).toBe("2020-01-01T00:01:00Z");
  });
});

describe("expressions Healthchecks rejects", () => {
  const rejected: [string, ScheduleKind, string][] = [
    ["* invalid *", "oncalendar", "Bad day-of-week"],
    ["1,2 61 * * *", "cron", "Bad hour"],
    ["0 0 31 2 *", "cron", "Bad day-of-month"],
    ["* * * * * *", "oncalendar", "Bad day-of-week"],
    ["bad-expression", "oncalendar", "Bad day-of-week"],
    ["0 0 */100 * MON#2", "cron", "StopIteration"],
    ["Surprise 12:34", "oncalendar", "Bad day-of-week"],
    ["12:34 Europe/surprise", "oncalendar", "Bad day-of-week"],
    ["12:34\nsurprise", "oncalendar", "Bad day-of-week"],
    ["*-*-* invalid", "oncalendar", "Bad day-of-week"],
    ["12:99", "oncalendar", "Bad minute"],
    ["0-0", "oncalendar", "Bad month"],
  ];
  for (const [schedule, kind, error] of rejected) {
    it(`rejects ${JSON.stringify(schedule)} (${kind}: ${error})`, () => {
      expect(guessKind(schedule)).toBe(kind);
      expect(validateSchedule(kind, schedule)).toEqual({ ok: false, error });
    });
  }

  it("a cron expression with no match in 50 years parses but has no next time", () => {
    expect(nextFireTime("cron", "0 0 */100 * MON#2", "UTC", d("2000-01-01T00:00:00Z"))).toBeNull();
  });

  it("nextFireTime throws ScheduleError for an unparsable expression", async () => {
    const { ScheduleError } = await import("../../../src/checks/schedule/index");
    expect(() => nextFireTime("cron", "60 * * * *", "UTC", new Date())).toThrow(ScheduleError);
    expect(() => nextFireTime("oncalendar", "12:99", "UTC", new Date())).toThrow(ScheduleError);
    expect(() => nextFireTime("cron", "0 0 * * *", "Mars/Olympus_Mons", new Date())).toThrow(ScheduleError);
  });
});
