// Own tables: many expressions × zones, the next 10 fire times starting near the spring-forward
// and fall-back transitions of 2021, 2024 and 2030, each compared with the independent oracle
// (oracle.ts: brute force over Intl wall times, the libraries' DST rules). The one exemption is
// cronsim's elapsed-time stepping across irregular transitions (elapsedModeDeparts).
import { describe, expect, it } from "vitest";
import { nextFireTime, nextFireTimes, type ScheduleKind } from "../../../src/checks/schedule/index";
import { iso } from "./helpers";
import { cronMatchesAt, elapsedModeDeparts, offsetAt, oracle, transitionsIn } from "./oracle";

interface Expr {
  kind: ScheduleKind;
  schedule: string;
}

const cron = (schedule: string): Expr => ({ kind: "cron", schedule });
const oc = (schedule: string): Expr => ({ kind: "oncalendar", schedule });

const EXPRESSIONS: Expr[] = [
  cron("* * * * *"),
  cron("*/15 * * * *"),
  cron("*/7 * * * *"),
  cron("0 * * * *"),
  cron("30 * * * *"),
  cron("45 * * * *"),
  cron("0 */2 * * *"),
  cron("15 */3 * * *"),
  cron("*/20 0-4 * * *"),
  cron("0 0 * * *"),
  cron("30 0 * * *"),
  cron("0 1 * * *"),
  cron("30 1 * * *"),
  cron("0 2 * * *"),
  cron("15 2 * * *"),
  cron("30 2 * * *"),
  cron("45 2 * * *"),
  cron("0 3 * * *"),
  cron("30 3 * * *"),
  cron("59 3 * * *"),
  cron("0 4 * * *"),
  cron("0 1-4 * * *"),
  cron("15,45 1-3 * * *"),
  cron("0,30 2,3 * * *"),
  cron("0 12 * * *"),
  cron("0 9 * * 1-5"),
  cron("0 2 * * 0"),
  cron("30 2 * * SUN"),
  cron("0 0 * * 6,0"),
  cron("0 3 L * *"),
  cron("0 2 * * 0L"),
  cron("0 2 * * 0#1"),
  oc("02:30"),
  oc("03:30"),
  oc("01:30"),
  oc("02:15"),
  oc("*:0/30"),
  oc("*:00,30"),
  oc("hourly"),
  oc("daily"),
  oc("*-*-* 02..03:00/15"),
  oc("Sun *-*-* 02:30"),
  oc("*-*-* *:*:0/15"),
  oc("00:00\n02:30\n03:30"),
  oc("*-*~01 02:30"),
];

// Whole-hour shifts at whole hours (Riga, New York), a 30-minute shift (Lord Howe), a change at
// 02:45 (Chatham), a 45-minute offset without DST (Kathmandu), and UTC.
const ZONES = ["UTC", "Europe/Riga", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu"];
const YEARS = [2021, 2024, 2030];

const transitionCache = new Map<string, { spring: number; fall: number }>();

/** Spring-forward and fall-back instants (ms) of a zone in a year; zones without DST borrow Riga's. */
function transitions(tz: string, year: number): { spring: number; fall: number } {
  const key = `${tz} ${year}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  const source = transitionsIn(tz, from, to).length > 0 ? tz : "Europe/Riga";
  const ts = transitionsIn(source, from, to);
  expect(ts.length).toBe(2);
  // The one where the offset grows is the spring-forward.
  const grows = (t: number) => offsetAt(source, t) > offsetAt(source, t - 1000);
  const spring = ts.find(grows)!;
  const fall = ts.find((t) => !grows(t))!;
  transitionCache.set(key, { spring, fall });
  return { spring, fall };
}

/**
 * Where the next 10 fire times from `after` differ from the oracle's ("" when they agree).
 * Exempt (elapsedModeDeparts): each result must still be a matching wall time, in increasing order.
 */
function disagreement(e: Expr, tz: string, after: number): string {
  const got = nextFireTimes(e.kind, e.schedule, tz, new Date(after), 10).map((d) => d.getTime());
  const want = oracle(e.kind, e.schedule, tz, after, 10);
  const show = (ts: number[]) => ts.map((t) => iso(new Date(t))).join(" ");
  const last = Math.max(got[got.length - 1] ?? after, want[want.length - 1] ?? after);
  if (e.kind === "cron" && elapsedModeDeparts(e.schedule, tz, after, last)) {
    const ok = got.length === 10 && got.every((t, i) => cronMatchesAt(e.schedule, tz, t) && (i === 0 || t > got[i - 1]!));
    return ok ? "" : `${e.schedule} (exempt) gave non-matching or unordered times: ${show(got)}`;
  }
  return show(got) === show(want) ? "" : `${e.kind} ${JSON.stringify(e.schedule)}\n  got  ${show(got)}\n  want ${show(want)}`;
}

// Where a run starts relative to the transition: well before it (with an odd sub-minute part),
// just before, at it, and inside a repeated or shifted hour.
const STARTS: [string, number][] = [
  ["2 h before", -2 * 3_600_000 - 12_345],
  ["30 min before", -30 * 60_000],
  ["at", 0],
  ["15 min after", 15 * 60_000 + 500],
  ["45 min after", 45 * 60_000],
];

describe.each(ZONES)("%s", (tz) => {
  describe.each(YEARS)("%i", (year) => {
    for (const which of ["spring", "fall"] as const) {
      it.each(STARTS)(`every expression agrees with the oracle from %s the ${which} transition`, (_s, offset) => {
        const after = transitions(tz, year)[which] + offset;
        const wrong = EXPRESSIONS.map((e) => disagreement(e, tz, after)).filter((d) => d !== "");
        expect(wrong, `after ${iso(new Date(after))}`).toEqual([]);
      });
    }
  });
});

// The oracle's transition finder, against the published transition times.
describe("oracle: transition instants found via Intl", () => {
  const cases: [string, number, string, string][] = [
    ["Europe/Riga", 2021, "2021-03-28T01:00:00Z", "2021-10-31T01:00:00Z"],
    ["Europe/Riga", 2024, "2024-03-31T01:00:00Z", "2024-10-27T01:00:00Z"],
    ["Europe/Riga", 2030, "2030-03-31T01:00:00Z", "2030-10-27T01:00:00Z"],
    ["America/New_York", 2021, "2021-03-14T07:00:00Z", "2021-11-07T06:00:00Z"],
    ["America/New_York", 2024, "2024-03-10T07:00:00Z", "2024-11-03T06:00:00Z"],
    ["America/New_York", 2030, "2030-03-10T07:00:00Z", "2030-11-03T06:00:00Z"],
    ["Australia/Lord_Howe", 2021, "2021-10-02T15:30:00Z", "2021-04-03T15:00:00Z"],
    ["Australia/Lord_Howe", 2024, "2024-10-05T15:30:00Z", "2024-04-06T15:00:00Z"],
    ["Australia/Lord_Howe", 2030, "2030-10-05T15:30:00Z", "2030-04-06T15:00:00Z"],
    // Chatham: 02:45 +12:45 → 03:45 +13:45 in September, back in April.
    ["Pacific/Chatham", 2024, "2024-09-28T14:00:00Z", "2024-04-06T14:00:00Z"],
  ];
  it.each(cases)("%s %i", (tz, year, spring, fall) => {
    const t = transitions(tz, year);
    expect(iso(new Date(t.spring))).toBe(spring);
    expect(iso(new Date(t.fall))).toBe(fall);
  });
});

// Hand-computed values (derived from the transition times above by reasoning).
describe("hand-computed exact values", () => {
  const exact: [string, ScheduleKind, string, string, string, string[]][] = [
    // Europe/Riga: 2024-03-31 03:00+02 → 04:00+03 at 01:00Z; 2024-10-27 04:00+03 → 03:00+02 at 01:00Z.
    ["Riga: cron gap time shifted to 04:00", "cron", "30 3 * * *", "Europe/Riga", "2024-03-30T22:00:00Z", ["2024-03-31T01:00:00Z", "2024-04-01T00:30:00Z"]],
    ["Riga: OnCalendar gap time skipped", "oncalendar", "03:30", "Europe/Riga", "2024-03-30T22:00:00Z", ["2024-04-01T00:30:00Z"]],
    ["Riga: repeated 03:30 fires on the first pass only", "cron", "30 3 * * *", "Europe/Riga", "2024-10-26T22:00:00Z", ["2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"]],
    ["Riga: hourly cron fires in both passes", "cron", "30 * * * *", "Europe/Riga", "2024-10-26T23:00:00Z", ["2024-10-26T23:30:00Z", "2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z", "2024-10-27T02:30:00Z"]],
    ["Riga 2030: gap shift", "cron", "30 3 * * *", "Europe/Riga", "2030-03-30T22:00:00Z", ["2030-03-31T01:00:00Z", "2030-04-01T00:30:00Z"]],
    ["Riga: after in the second pass gives an earlier time (quirk)", "cron", "45 3 * * *", "Europe/Riga", "2021-10-31T01:30:00Z", ["2021-10-31T00:45:00Z", "2021-11-01T01:45:00Z"]],
    // America/New_York: 2024-03-10 02:00 EST → 03:00 EDT at 07:00Z; 2024-11-03 02:00 EDT → 01:00 EST at 06:00Z.
    ["New York: cron 02:30 shifted to 03:00 EDT", "cron", "30 2 * * *", "America/New_York", "2024-03-10T05:00:00Z", ["2024-03-10T07:00:00Z", "2024-03-11T06:30:00Z"]],
    ["New York: OnCalendar 02:30 skipped", "oncalendar", "02:30", "America/New_York", "2024-03-10T05:00:00Z", ["2024-03-11T06:30:00Z"]],
    ["New York: 01:30 once on the fall-back day", "cron", "30 1 * * *", "America/New_York", "2024-11-03T04:00:00Z", ["2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"]],
    ["New York: every 30 min through the repeated hour", "cron", "*/30 * * * *", "America/New_York", "2024-11-03T05:10:00Z", ["2024-11-03T05:30:00Z", "2024-11-03T06:00:00Z", "2024-11-03T06:30:00Z", "2024-11-03T07:00:00Z"]],
    ["New York 2021: 02:00 shifted to 03:00 EDT", "cron", "0 2 * * *", "America/New_York", "2021-03-14T05:00:00Z", ["2021-03-14T07:00:00Z", "2021-03-15T06:00:00Z"]],
    ["New York 2030: 02:30 shifted", "cron", "30 2 * * *", "America/New_York", "2030-03-10T05:00:00Z", ["2030-03-10T07:00:00Z", "2030-03-11T06:30:00Z"]],
    // Australia/Lord_Howe: 2024-10-06 02:00+10:30 → 02:30+11 at 15:30Z (Oct 5); 2024-04-07 02:00+11 → 01:30+10:30 at 15:00Z (Apr 6).
    ["Lord Howe: 02:15 in the 30-minute gap moves to 02:30", "cron", "15 2 * * *", "Australia/Lord_Howe", "2024-10-05T14:00:00Z", ["2024-10-05T15:30:00Z", "2024-10-06T15:15:00Z"]],
    ["Lord Howe: OnCalendar 02:15 skipped", "oncalendar", "02:15", "Australia/Lord_Howe", "2024-10-05T14:00:00Z", ["2024-10-06T15:15:00Z"]],
    ["Lord Howe: repeated 01:45 fires once", "cron", "45 1 * * *", "Australia/Lord_Howe", "2024-04-06T13:00:00Z", ["2024-04-06T14:45:00Z", "2024-04-07T15:15:00Z"]],
    ["Lord Howe: every 15 min through the repeated half hour", "cron", "*/15 * * * *", "Australia/Lord_Howe", "2024-04-06T14:40:00Z", ["2024-04-06T14:45:00Z", "2024-04-06T15:00:00Z", "2024-04-06T15:15:00Z", "2024-04-06T15:30:00Z"]],
    ["Lord Howe: hourly skips 02:00 and 02:30 is no full hour", "cron", "0 * * * *", "Australia/Lord_Howe", "2024-10-05T14:00:00Z", ["2024-10-05T14:30:00Z", "2024-10-05T16:00:00Z", "2024-10-05T17:00:00Z"]],
    // Asia/Kathmandu: +05:45 all year.
    ["Kathmandu: 09:00 is 03:15Z", "cron", "0 9 * * *", "Asia/Kathmandu", "2024-03-31T00:00:00Z", ["2024-03-31T03:15:00Z", "2024-04-01T03:15:00Z"]],
    ["Kathmandu: */45", "cron", "*/45 * * * *", "Asia/Kathmandu", "2024-03-30T23:00:00Z", ["2024-03-30T23:15:00Z", "2024-03-31T00:00:00Z", "2024-03-31T00:15:00Z"]],
    ["Kathmandu midnight and UTC midnight merged", "oncalendar", "00:00 Asia/Kathmandu\n00:00 UTC", "UTC", "2024-01-01T00:00:00Z", ["2024-01-01T18:15:00Z", "2024-01-02T00:00:00Z", "2024-01-02T18:15:00Z"]],
    // UTC.
    ["UTC: day-of-month OR day-of-week", "cron", "0 0 1 * MON", "UTC", "2024-01-01T00:00:00Z", ["2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z", "2024-01-22T00:00:00Z", "2024-01-29T00:00:00Z", "2024-02-01T00:00:00Z"]],
    ["UTC: next leap day", "cron", "0 0 29 2 *", "UTC", "2024-03-01T00:00:00Z", ["2028-02-29T00:00:00Z"]],
    ["UTC: last day of February", "oncalendar", "*-02~01", "UTC", "2024-01-01T00:00:00Z", ["2024-02-29T00:00:00Z", "2025-02-28T00:00:00Z"]],
  ];
  it.each(exact)("%s", (_name, kind, schedule, tz, after, expected) => {
    expect(nextFireTimes(kind, schedule, tz, new Date(after), expected.length).map(iso)).toEqual(expected);
    expect(iso(nextFireTime(kind, schedule, tz, new Date(after))!)).toBe(expected[0]);
  });
});
