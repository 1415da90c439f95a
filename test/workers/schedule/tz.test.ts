// Time-zone arithmetic (Python zoneinfo semantics on top of Intl) and small API pieces.
import { describe, expect, it } from "vitest";
import { civilFromDays, daysFromCivil, getZone, wallFromFields } from "../../../src/checks/schedule/tz";
import { guessKind, isValidTimeZone, nextFireTimes } from "../../../src/checks/schedule/index";
import { iso } from "./helpers";

const sec = (s: string) => Date.parse(s) / 1000;
const wall = (y: number, mo: number, d: number, h = 0, mi = 0) => wallFromFields(y, mo, d, h, mi);

describe("civil calendar", () => {
  it("round-trips day numbers 1900-2300", () => {
    for (let n = daysFromCivil(1900, 1, 1); n < daysFromCivil(2300, 1, 1); n += 17) {
      const [y, m, d] = civilFromDays(n);
      expect(daysFromCivil(y, m, d)).toBe(n);
      expect(new Date(n * 86_400_000).toISOString().slice(0, 10)).toBe(
        `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
      );
    }
  });
});

describe("zone arithmetic", () => {
  const riga = getZone("Europe/Riga");

  it("a gap wall time maps with the pre-transition offset (fold=0) or the later one (fold=1)", () => {
    // 2024-03-31 03:30 does not exist in Riga.
    expect(riga.isImaginary(wall(2024, 3, 31, 3, 30))).toBe(true);
    expect(riga.toInstant(wall(2024, 3, 31, 3, 30), 0)).toBe(sec("2024-03-31T01:30:00Z"));
    expect(riga.toInstant(wall(2024, 3, 31, 3, 30), 1)).toBe(sec("2024-03-31T00:30:00Z"));
  });

  it("an ambiguous wall time: fold=0 is the first pass, fold=1 the second", () => {
    expect(riga.isImaginary(wall(2024, 10, 27, 3, 30))).toBe(false);
    expect(riga.toInstant(wall(2024, 10, 27, 3, 30), 0)).toBe(sec("2024-10-27T00:30:00Z"));
    expect(riga.toInstant(wall(2024, 10, 27, 3, 30), 1)).toBe(sec("2024-10-27T01:30:00Z"));
    expect(riga.toWall(sec("2024-10-27T00:30:00Z"))).toEqual({ wall: wall(2024, 10, 27, 3, 30), fold: 0 });
    expect(riga.toWall(sec("2024-10-27T01:30:00Z"))).toEqual({ wall: wall(2024, 10, 27, 3, 30), fold: 1 });
  });

  it("handles 30- and 45-minute offsets", () => {
    expect(getZone("Asia/Kathmandu").offsetAt(sec("2024-06-01T00:00:00Z"))).toBe(5 * 3600 + 45 * 60);
    const lh = getZone("Australia/Lord_Howe");
    expect(lh.offsetAt(sec("2024-10-05T15:29:59Z"))).toBe(10.5 * 3600);
    expect(lh.offsetAt(sec("2024-10-05T15:30:00Z"))).toBe(11 * 3600);
    expect(lh.isImaginary(wall(2024, 10, 6, 2, 15))).toBe(true);
    expect(lh.isImaginary(wall(2024, 10, 6, 2, 30))).toBe(false);
  });

  it("handles a skipped calendar day (Pacific/Apia, 2011-12-30)", () => {
    const apia = getZone("Pacific/Apia");
    expect(apia.isImaginary(wall(2011, 12, 30, 12, 0))).toBe(true);
    expect(apia.isImaginary(wall(2011, 12, 31, 0, 0))).toBe(false);
    const after = new Date("2011-12-28T00:00:00Z");
    // cron: Dec 30 12:00 lies in the gap and moves to the first valid minute, Dec 31 00:00 +14.
    expect(nextFireTimes("cron", "0 12 * * *", "Pacific/Apia", after, 4).map(iso)).toEqual([
      "2011-12-28T22:00:00Z", // Dec 28 12:00 -10
      "2011-12-29T22:00:00Z", // Dec 29 12:00 -10
      "2011-12-30T10:00:00Z", // Dec 31 00:00 +14 (shifted)
      "2011-12-30T22:00:00Z", // Dec 31 12:00 +14
    ]);
    // OnCalendar: the gap time is skipped.
    expect(nextFireTimes("oncalendar", "12:00", "Pacific/Apia", after, 3).map(iso)).toEqual([
      "2011-12-28T22:00:00Z",
      "2011-12-29T22:00:00Z",
      "2011-12-30T22:00:00Z",
    ]);
  });

  it("UTC never touches Intl and has no transitions", () => {
    const utc = getZone("UTC");
    expect(utc.offsetAt(0)).toBe(0);
    expect(utc.toWall(123)).toEqual({ wall: 123, fold: 0 });
  });
});

describe("where cronsim itself never returns", () => {
  it("St. John's 1998 (transition at 00:01): falls back to the earliest matching instant", () => {
    // Elapsed-time iteration of "5 * * * 0-1" cycles forever in cronsim 2.7 here: the
    // minute step crosses back into Saturday, the day step returns to Sunday 00:00.
    const got = nextFireTimes("cron", "5 * * * 0-1", "America/St_Johns", new Date("1998-10-24T01:08:44Z"), 3).map(iso);
    expect(got).toEqual([
      "1998-10-25T03:35:00Z", // Sunday 00:05 NST (the NDT 00:05 never happened)
      "1998-10-25T04:35:00Z",
      "1998-10-25T05:35:00Z",
    ]);
  });
});

describe("isValidTimeZone", () => {
  it.each(["UTC", "Europe/Riga", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Etc/UTC", "US/Eastern", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])(
    "accepts %s",
    (tz) => expect(isValidTimeZone(tz)).toBe(true),
  );
  it.each(["utc", "europe/riga", "EUROPE/RIGA", "us/eastern", "Europe/surprise", "", "+02:00", "UTC+2", "Mars/Base", "Europe/Riga "])(
    "rejects %j",
    (tz) => expect(isValidTimeZone(tz)).toBe(false),
  );
});

describe("guessKind", () => {
  it.each([
    ["* * * * *", "cron"],
    ["  0   3\t* *  *  ", "cron"],
    ["0\u00a03 * * *", "cron"], // Python counts NBSP as whitespace
    ["* * * *", "oncalendar"],
    ["* * * * * *", "oncalendar"],
    ["@daily", "oncalendar"],
    ["0 3 * * *\n", "cron"], // stripped first
    ["0 3\n* * *", "oncalendar"],
    ["daily", "oncalendar"],
  ] as const)("%j → %s", (s, kind) => {
    expect(guessKind(s)).toBe(kind);
  });
});
