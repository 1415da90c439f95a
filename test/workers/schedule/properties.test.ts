// Property tests (fast-check): for random cron and OnCalendar schedules, zones and instants
// (half of them near a DST transition), the engine's next fire times equal the independent
// oracle's (oracle.ts). The seed is fixed (FC_SEED, see vitest.config.ts) and printed on failure;
// rerun a failure with FC_SEED=<seed> npx vitest run test/workers/schedule/properties.test.ts.
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { guessKind, nextFireTimes, validateSchedule, type ScheduleKind } from "../../../src/checks/schedule/index";
import { iso } from "./helpers";
import { cronMatchesAt, elapsedModeDeparts, oracle, transitionsIn } from "./oracle";

const SEED = inject("fcSeed");
fc.configureGlobal({ seed: SEED, verbose: 1 });

// Havana and Santiago are left out on purpose: at their midnight transitions cronsim returns an
// imaginary local midnight (reference README rule 4), which the golden file covers.
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
    for (const y of [2003, 2011, 2021, 2024, 2030, 2047]) ts.push(...transitionsIn(tz, Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)));
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

// Schedules are filtered by the engine's own validation; the golden file proves that validation
// against the libraries' error messages.
const valid = (c: { kind: ScheduleKind; schedule: string }) =>
  guessKind(c.schedule) === c.kind && validateSchedule(c.kind, c.schedule).ok;

const RUNS = 1000;
const N = 3;
// The oracle looks this far ahead; engine results beyond it are not compared.
const HORIZON = 400 * 86_400_000;

describe(`schedule properties (seed ${SEED})`, () => {
  it("generators produce mostly valid schedules, near transitions, of both kinds", () => {
    const sample = fc.sample(caseArb, { numRuns: 400, seed: SEED });
    const ok = sample.filter(valid);
    const cron = ok.filter((c) => c.kind === "cron");
    expect(ok.length).toBeGreaterThan(sample.length * 0.7);
    expect(cron.length).toBeGreaterThan(ok.length * 0.3);
    expect(cron.length).toBeLessThan(ok.length * 0.7);
  });

  it(`the next ${N} fire times equal the oracle's (cronsim's elapsed-mode departures: matching times)`, () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(valid(c));
        const got = nextFireTimes(c.kind, c.schedule, c.tz, new Date(c.after), N)
          .map((d) => d.getTime())
          .filter((t) => t <= c.after + HORIZON);
        const want = oracle(c.kind, c.schedule, c.tz, c.after, N, HORIZON);
        const last = Math.max(c.after, ...got, ...want);
        if (c.kind === "cron" && elapsedModeDeparts(c.schedule, c.tz, c.after, last)) {
          for (const t of got) expect(cronMatchesAt(c.schedule, c.tz, t), `${iso(new Date(t))} is not a match`).toBe(true);
          return;
        }
        expect(got.map((t) => iso(new Date(t)))).toEqual(want.map((t) => iso(new Date(t))));
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
