// Property tests (fast-check) for nextFireTime / nextFireTimes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCron } from "../../../src/checks/schedule/cron";
import { parseOnCalendar } from "../../../src/checks/schedule/oncalendar";
import {
  guessKind,
  nextFireTime,
  nextFireTimes,
  validateSchedule,
  type ScheduleKind,
} from "../../../src/checks/schedule/index";
import { cachedWallFn, isGapShift, isSecondPass, matcherFor, elapsedModeMaySkip, transitionsBetween } from "./helpers";

// Havana and Santiago are left out on purpose: there cronsim returns an imaginary
// local midnight (a documented quirk covered by the golden file).
const ZONES = ["UTC", "Europe/Riga", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"];

const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
const range = (lo: number, hi: number) =>
  fc.tuple(int(lo, hi), int(lo, hi)).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);

function cronField(lo: number, hi: number, extra: fc.Arbitrary<string>[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant("*"),
    int(2, Math.min(hi, 30)).map((n) => `*/${n}`),
    int(lo, hi).map(String),
    range(lo, hi),
    fc.tuple(range(lo, hi), int(1, 9)).map(([r, n]) => `${r}/${n}`),
    fc.tuple(int(lo, hi), int(lo, hi)).map(([a, b]) => `${a},${b}`),
    ...extra,
  );
}

const cronArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(int(0, 59).map(String), cronField(0, 59)),
    fc.oneof(int(0, 23).map(String), cronField(0, 23)),
    fc.oneof({ weight: 3, arbitrary: fc.constant("*") }, cronField(1, 28, [fc.constantFrom("L", "LW", "15,L")])),
    fc.oneof({ weight: 3, arbitrary: fc.constant("*") }, cronField(1, 12, [fc.constantFrom("JAN-MAR", "jul,dec")])),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant("*") },
      cronField(0, 7, [
        int(0, 7).map((d) => `${d}L`),
        fc.tuple(int(0, 7), int(1, 5)).map(([d, k]) => `${d}#${k}`),
        fc.constantFrom("MON-FRI", "sat,sun", "*/2"),
      ]),
    ),
  )
  .map((f) => f.join(" "));

function ocValue(lo: number, hi: number, pad = true): fc.Arbitrary<string> {
  const v = (n: number) => (pad ? String(n).padStart(2, "0") : String(n));
  return fc.oneof(
    fc.constant("*"),
    int(lo, hi).map(v),
    fc.tuple(int(lo, hi), int(lo, hi)).map(([a, b]) => `${v(Math.min(a, b))}..${v(Math.max(a, b))}`),
    fc.tuple(int(lo, hi), int(1, 15)).map(([a, n]) => `${v(a)}/${n}`),
    fc.tuple(int(lo, hi), int(lo, hi)).map(([a, b]) => `${v(a)},${v(b)}`),
  );
}

const ocLineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom("minutely", "hourly", "daily", "weekly", "monthly", "quarterly") },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.option(fc.constantFrom("Mon", "Sat,Sun", "Mon..Fri", "Tue-Thu", "Sunday"), { nil: undefined }),
        fc.option(fc.tuple(ocValue(1, 12), fc.oneof(ocValue(1, 28), int(1, 5).map((n) => `~0${n}`))), {
          nil: undefined,
        }),
        fc.tuple(ocValue(0, 23, false), ocValue(0, 59)),
        fc.option(fc.constantFrom("UTC", "Europe/Riga", "America/New_York"), { nil: undefined }),
      )
      .map(([dow, date, [h, m], zone]) => {
        const parts: string[] = [];
        if (dow) parts.push(dow);
        if (date) parts.push(date[1].startsWith("~") ? `*-${date[0]}${date[1]}` : `*-${date[0]}-${date[1]}`);
        parts.push(`${h}:${m}`);
        if (zone) parts.push(zone);
        return parts.join(" ");
      }),
  },
);

const ocArb = fc.array(ocLineArb, { minLength: 1, maxLength: 2 }).map((lines) => lines.join("\n"));

const scheduleArb: fc.Arbitrary<{ kind: ScheduleKind; schedule: string }> = fc.oneof(
  cronArb.map((schedule) => ({ kind: "cron" as const, schedule })),
  ocArb.map((schedule) => ({ kind: "oncalendar" as const, schedule })),
);

// Instants 2000-2060, half of them within 3 hours of a DST transition of the zone.
const transitionCache = new Map<string, number[]>();
function zoneTransitions(tz: string): number[] {
  let ts = transitionCache.get(tz);
  if (!ts) {
    ts = [];
    for (const y of [2003, 2011, 2021, 2024, 2030, 2047]) ts.push(...transitionsBetween(tz, Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)));
    transitionCache.set(tz, ts);
  }
  return ts;
}
const T0 = Date.UTC(2000, 0, 1);
const T1 = Date.UTC(2060, 0, 1);
const caseArb = fc
  .tuple(scheduleArb, fc.constantFrom(...ZONES), fc.boolean(), int(0, 1_000_000), int(-3 * 3600, 3 * 3600), int(0, 999))
  .map(([s, tz, nearTransition, pick, shift, ms]) => {
    const ts = zoneTransitions(tz);
    const after =
      nearTransition && ts.length > 0
        ? ts[pick % ts.length]! + shift * 1000 + ms
        : T0 + Math.floor((pick / 1_000_000) * (T1 - T0)) + ms;
    return { ...s, tz, after };
  });

const valid = (c: { kind: ScheduleKind; schedule: string }) =>
  guessKind(c.schedule) === c.kind && validateSchedule(c.kind, c.schedule).ok;

/** Zones the schedule is evaluated in: the check's, plus OnCalendar lines' own. */
function zonesOf(kind: ScheduleKind, schedule: string, tz: string): string[] {
  if (kind === "cron") return [tz];
  return parseOnCalendar(schedule).lines.map((l) => l.zone ?? tz);
}

const wall = cachedWallFn();
const RUNS = 250;

describe("schedule properties", () => {
  it("generators produce mostly valid schedules, near transitions and with next times", () => {
    const sample = fc.sample(caseArb, { numRuns: 400, seed: 1 });
    const ok = sample.filter(valid);
    const withNext = ok.filter((c) => nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after)) !== null);
    const cron = ok.filter((c) => c.kind === "cron");
    expect(ok.length).toBeGreaterThan(sample.length * 0.7);
    expect(withNext.length).toBeGreaterThan(ok.length * 0.9);
    expect(cron.length).toBeGreaterThan(ok.length * 0.3);
    expect(cron.length).toBeLessThan(ok.length * 0.7);
  });

  it("next(t) > t, unless t is the second pass of a repeated wall time (documented quirk)", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c));
        fc.pre(!zonesOf(c.kind, c.schedule, c.tz).some((z) => isSecondPass(z, c.after)));
        // cronsim's elapsed-time mode resets to the top of the hour by wall-clock
        // arithmetic; just after a fall-back that can land before t too (e.g.
        // "0-0/1 */3 * * *" at Chatham, 2003-03-15T13:59:59Z → 13:15Z, as cronsim does).
        if (c.kind === "cron" && !parseCron(c.schedule).wallClock) {
          fc.pre(transitionsBetween(c.tz, c.after - 3_600_000, c.after + 2 * 3_600_000).length === 0);
        }
        const next = nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after));
        if (next !== null) expect(next.getTime()).toBeGreaterThan(c.after);
      }),
      { numRuns: RUNS },
    );
  });

  it("next(t) > t always holds in UTC", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c) && !c.schedule.includes("Europe/") && !c.schedule.includes("America/"));
        const next = nextFireTime(c.kind, c.schedule, "UTC", new Date(c.after));
        if (next !== null) expect(next.getTime()).toBeGreaterThan(c.after);
      }),
      { numRuns: RUNS },
    );
  });

  it("next(t) is a match of the expression (or cron's documented gap shift)", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c));
        const next = nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after));
        if (next === null) return;
        const t = next.getTime();
        if (matcherFor(c.kind, c.schedule, c.tz, wall)(t)) return;
        const spec = c.kind === "cron" ? parseCron(c.schedule) : null;
        expect(spec !== null && spec.wallClock && isGapShift(spec, c.tz, t)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("no match is skipped between t and next(t) (except repeated/non-hour-shift DST cases)", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c));
        const next = nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after));
        const matches = matcherFor(c.kind, c.schedule, c.tz, wall);
        const end = Math.min(next === null ? Infinity : next.getTime(), c.after + 2 * 86_400_000);
        const wallClock = c.kind === "oncalendar" || parseCron(c.schedule).wallClock;
        const zones = zonesOf(c.kind, c.schedule, c.tz);
        // All generated expressions fire on whole minutes.
        for (let t = Math.floor(c.after / 60_000) * 60_000 + 60_000; t < end; t += 60_000) {
          if (!matches(t)) continue;
          const allowed = wallClock
            ? zones.some((z) => isSecondPass(z, t))
            : elapsedModeMaySkip(c.tz, c.after, t);
          expect(allowed, `skipped ${new Date(t).toISOString()}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("is deterministic and agrees with nextFireTimes", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c));
        const a = nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after));
        const b = nextFireTime(c.kind, c.schedule, c.tz, new Date(c.after));
        const list = nextFireTimes(c.kind, c.schedule, c.tz, new Date(c.after), 3);
        expect(a?.getTime() ?? null).toBe(b?.getTime() ?? null);
        expect(list[0]?.getTime() ?? null).toBe(a?.getTime() ?? null);
      }),
      { numRuns: RUNS },
    );
  });

  it("in UTC, iterating equals repeated nextFireTime and is strictly increasing", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c) && !/Europe|America/.test(c.schedule));
        const list = nextFireTimes(c.kind, c.schedule, "UTC", new Date(c.after), 5);
        for (let i = 1; i < list.length; i++) {
          expect(list[i]!.getTime()).toBeGreaterThan(list[i - 1]!.getTime());
          expect(nextFireTime(c.kind, c.schedule, "UTC", list[i - 1]!)?.getTime()).toBe(list[i]!.getTime());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("sub-second parts of `after` are dropped", () => {
    fc.assert(
      fc.property(caseArb, int(1, 999), (c, ms) => {
        fc.pre(valid(c));
        const whole = Math.floor(c.after / 1000) * 1000;
        const a = nextFireTime(c.kind, c.schedule, c.tz, new Date(whole));
        const b = nextFireTime(c.kind, c.schedule, c.tz, new Date(whole + ms));
        expect(b?.getTime() ?? null).toBe(a?.getTime() ?? null);
      }),
      { numRuns: RUNS },
    );
  });
});
