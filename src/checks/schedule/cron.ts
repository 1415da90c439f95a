// Cron expressions with the semantics of cronsim 2.7 (Debian/Vixie cron flavour),
// the library Healthchecks uses. Own implementation; behaviour follows the
// reference notes and the golden data.

import { pySplit, isAsciiDigits } from "./pyutil";
import { DAY, civilFromDays, daysFromCivil, daysInMonth, weekdayOfDays, type Zone } from "./tz";

export class CronParseError extends Error {}

const FIELD_NAMES = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;
const enum F {
  MINUTE = 0,
  HOUR = 1,
  DOM = 2,
  MONTH = 3,
  DOW = 4,
}
const MIN = [0, 0, 1, 1, 0];
const MAX = [59, 23, 31, 12, 7];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
/** Longest month length per month, February counted as 29. */
const MAX_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Special day items, encoded as numbers outside every plain range.
const LAST = -1000; // day-of-month "L"
const LAST_WEEKDAY = -1001; // day-of-month "LW"
const dowLast = (d: number) => 100 + d; // "5L"
const dowNth = (d: number, n: number) => 200 + d * 10 + n; // "5#2"

function fail(f: F): never {
  throw new CronParseError(`Bad ${FIELD_NAMES[f]}`);
}

function digits(f: F, s: string): number {
  if (!isAsciiDigits(s)) fail(f);
  return Number(s);
}

function value(f: F, s: string): number {
  if (f === F.MONTH) {
    const i = MONTH_NAMES.indexOf(s);
    if (i >= 0) return i + 1;
  } else if (f === F.DOW) {
    const i = DAY_NAMES.indexOf(s);
    if (i >= 0) return i;
  }
  const v = digits(f, s);
  if (v < MIN[f]! || v > MAX[f]!) fail(f);
  return v;
}

function rangeSet(lo: number, hi: number, step = 1): Set<number> {
  const out = new Set<number>();
  for (let v = lo; v <= hi; v += step) out.add(v);
  return out;
}

/** Parse one field (already upper-cased) into a set of items. */
function parseField(f: F, s: string): Set<number> {
  if (s === "*") return rangeSet(MIN[f]!, MAX[f]!);

  if (s.includes(",")) {
    const out = new Set<number>();
    for (const term of s.split(",")) for (const v of parseField(f, term)) out.add(v);
    return out;
  }

  if (f === F.DOW && s.includes("L")) {
    const head = s.slice(0, -1);
    if (!isAsciiDigits(head)) fail(f);
    return new Set([dowLast(value(f, head))]);
  }

  if (f === F.DOW && s.includes("#")) {
    const at = s.indexOf("#");
    const n = digits(f, s.slice(at + 1));
    if (n < 1 || n > 5) fail(f);
    return new Set([dowNth(value(f, s.slice(0, at)) % 7, n)]);
  }

  if (s.includes("/")) {
    const at = s.indexOf("/");
    const step = digits(f, s.slice(at + 1));
    if (step === 0) fail(f);
    const items = parseField(f, s.slice(0, at));
    if (items.size === 1) {
      const only = items.values().next().value!;
      if (only === LAST || only === LAST_WEEKDAY) return items;
      // A single start value means "from there to the end of the range".
      return rangeSet(only, MAX[f]!, step);
    }
    const sorted = [...items].sort((a, b) => a - b);
    return new Set(sorted.filter((_, i) => i % step === 0));
  }

  if (s.includes("-")) {
    const at = s.indexOf("-");
    const lo = value(f, s.slice(0, at));
    const hi = value(f, s.slice(at + 1));
    if (hi < lo) fail(f);
    return rangeSet(lo, hi);
  }

  if (f === F.DOM && s === "LW") return new Set([LAST_WEEKDAY]);
  if (f === F.DOM && s === "L") return new Set([LAST]);

  return new Set([value(f, s)]);
}

export interface CronSpec {
  readonly source: string;
  /** The five fields, upper-cased, as given. */
  readonly fields: readonly string[];
  readonly minutes: Uint8Array; // [60]
  readonly minuteList: readonly number[];
  readonly hours: Uint8Array; // [24]
  readonly dom: Uint8Array; // [32]
  readonly domLast: boolean;
  readonly domLastWeekday: boolean;
  readonly months: Uint8Array; // [13]
  readonly dow: Uint8Array; // [7], 0 = Sunday
  readonly dowLast: Uint8Array; // [7]
  readonly dowNth: Uint8Array; // [7 * 6]
  /** Day-of-month AND day-of-week (else OR). */
  readonly dayAnd: boolean;
  /** Neither minute nor hour starts with "*": wall-clock iteration in non-UTC zones. */
  readonly wallClock: boolean;
}

/** Parse a 5-field cron expression. Throws CronParseError with the library's message. */
export function parseCron(expr: string): CronSpec {
  const parts = pySplit(expr.toUpperCase());
  if (parts.length !== 5) throw new CronParseError("Wrong number of fields");
  const sets = parts.map((p, i) => parseField(i as F, p));

  const minutes = new Uint8Array(60);
  for (const v of sets[F.MINUTE]!) minutes[v] = 1;
  const hours = new Uint8Array(24);
  for (const v of sets[F.HOUR]!) hours[v] = 1;
  const months = new Uint8Array(13);
  for (const v of sets[F.MONTH]!) months[v] = 1;

  const dom = new Uint8Array(32);
  let domLast = false;
  let domLastWeekday = false;
  let minDay = Infinity;
  for (const v of sets[F.DOM]!) {
    minDay = Math.min(minDay, v);
    if (v === LAST) domLast = true;
    else if (v === LAST_WEEKDAY) domLastWeekday = true;
    else dom[v] = 1;
  }
  if (minDay > 29) {
    // No selected month is long enough for any selected day.
    let longest = 0;
    for (const m of sets[F.MONTH]!) longest = Math.max(longest, MAX_DAYS[m]!);
    if (minDay > longest) fail(F.DOM);
  }

  const dow = new Uint8Array(7);
  const dowL = new Uint8Array(7);
  const nth = new Uint8Array(42);
  for (const v of sets[F.DOW]!) {
    if (v >= 200) nth[(Math.floor((v - 200) / 10) % 7) * 6 + ((v - 200) % 10)] = 1;
    else if (v >= 100) dowL[(v - 100) % 7] = 1;
    else dow[v % 7] = 1;
  }

  return {
    source: expr,
    fields: parts,
    minutes,
    minuteList: [...sets[F.MINUTE]!].sort((a, b) => a - b),
    hours,
    dom,
    domLast,
    domLastWeekday,
    months,
    dow,
    dowLast: dowL,
    dowNth: nth,
    dayAnd: parts[F.DOM]!.startsWith("*") || parts[F.DOW]!.startsWith("*"),
    wallClock: !parts[F.MINUTE]!.startsWith("*") && !parts[F.HOUR]!.startsWith("*"),
  };
}

/** Day of the month of the last weekday (Mon-Fri); lastDays is the day number of the month's last day. */
function lastWeekdayOfMonth(dim: number, lastDays: number): number {
  const wd = weekdayOfDays(lastDays);
  if (wd === 0) return dim - 2; // Sunday → Friday
  if (wd === 6) return dim - 1; // Saturday → Friday
  return dim;
}

/** Does the calendar day (y, m, d; day number n) match the day fields? */
export function cronDayMatches(spec: CronSpec, y: number, m: number, d: number, n: number): boolean {
  const dim = daysInMonth(y, m);
  let domOk = spec.dom[d] === 1;
  if (!domOk && spec.domLast && d === dim) domOk = true;
  if (!domOk && spec.domLastWeekday && d >= 26 && d === lastWeekdayOfMonth(dim, n - d + dim)) domOk = true;
  if (spec.dayAnd && !domOk) return false;
  if (!spec.dayAnd && domOk) return true;
  const wd = weekdayOfDays(n);
  return spec.dow[wd] === 1 || (spec.dowLast[wd] === 1 && d + 7 > dim) || spec.dowNth[wd * 6 + Math.floor((d + 6) / 7)] === 1;
}

/** Does a wall time (seconds, as if UTC) match the expression? (Seconds must be 0.) */
export function cronMatchesWall(spec: CronSpec, wall: number): boolean {
  const n = Math.floor(wall / DAY);
  const sod = wall - n * DAY;
  if (sod % 60 !== 0) return false;
  const [y, m, d] = civilFromDays(n);
  return (
    spec.months[m] === 1 &&
    spec.hours[Math.floor(sod / 3600)] === 1 &&
    spec.minutes[Math.floor(sod / 60) % 60] === 1 &&
    cronDayMatches(spec, y, m, d, n)
  );
}

type Mode = "naive" | "wall" | "elapsed";

/**
 * Iterator over fire times, equivalent to iterating cronsim from a start time.
 *
 * - zone null: naive iteration (Healthchecks' validation uses a naive datetime);
 *   instants are the wall times read as UTC.
 * - wall-clock mode (zone given and neither minute nor hour starts with "*"):
 *   iteration on local wall time; a result in a DST gap moves to the first valid
 *   minute after it; an ambiguous result means its first occurrence.
 * - elapsed mode (otherwise): every step is real elapsed time in the zone.
 */
export class CronIterator {
  private w: number; // wall seconds
  private fold: 0 | 1 = 0;
  private readonly mode: Mode;
  private done = false;

  constructor(
    private readonly spec: CronSpec,
    private readonly zone: Zone | null,
    start: number, // instant (seconds, whole)
  ) {
    if (zone === null) {
      this.mode = "naive";
      this.w = start;
    } else {
      const wt = zone.toWall(start);
      this.w = wt.wall;
      if (spec.wallClock) {
        this.mode = "wall";
      } else {
        this.mode = "elapsed";
        this.fold = wt.fold;
      }
    }
  }

  private tick(seconds: number): void {
    if (this.mode === "elapsed") {
      const z = this.zone!;
      const wt = z.toWall(z.toInstant(this.w, this.fold) + seconds);
      this.w = wt.wall;
      this.fold = wt.fold;
    } else {
      this.w += seconds;
    }
  }

  /**
   * Move forward to the next wall time that satisfies every field.
   * "gave-up": no match within 50 years (StopIteration). "stuck": the step rules
   * cycle forever (possible in elapsed mode at odd transitions, e.g. St. John's
   * 1998, where the library itself never returns).
   */
  private advance(): "ok" | "gave-up" | "stuck" {
    const spec = this.spec;
    const startYear = civilFromDays(Math.floor(this.w / DAY))[0];
    let rounds = 0;
    let seen: Set<number> | null = null;
    for (;;) {
      if (++rounds > 2000 && this.mode === "elapsed") {
        // A legitimate search needs far fewer rounds; look for a repeated state.
        seen ??= new Set();
        const key = this.w * 2 + this.fold;
        if (seen.has(key) || rounds > 1_000_000) return "stuck";
        seen.add(key);
      }
      let n = Math.floor(this.w / DAY);
      let [y, m, d] = civilFromDays(n);

      if (spec.months[m] !== 1) {
        do {
          m++;
          if (m > 12) {
            m = 1;
            y++;
          }
        } while (spec.months[m] !== 1);
        d = 1;
        n = daysFromCivil(y, m, 1);
        this.w = n * DAY;
        this.fold = 0;
      }
      if (y > startYear + 50) return "gave-up";

      if (!cronDayMatches(spec, y, m, d, n)) {
        const dim = daysInMonth(y, m);
        for (;;) {
          n++;
          d++;
          if (d > dim) break; // the first of the next month: re-check the month
          if (cronDayMatches(spec, y, m, d, n)) break;
        }
        this.w = n * DAY;
        this.fold = 0;
        continue;
      }

      const sod = this.w - n * DAY;
      const hour = Math.floor(sod / 3600);
      if (spec.hours[hour] !== 1) {
        this.w -= sod % 3600;
        for (;;) {
          this.tick(3600);
          const h = this.hourOf();
          if (spec.hours[h] === 1 || h === 0) break;
        }
        continue;
      }

      const minute = Math.floor(sod / 60) % 60;
      if (spec.minutes[minute] !== 1) {
        this.w -= sod % 60;
        if (spec.minuteList.length === 1) {
          this.tick((((spec.minuteList[0]! - minute) % 60) + 60) % 60 * 60);
        }
        while (spec.minutes[this.minuteOf()] !== 1) {
          this.tick(60);
          if (this.minuteOf() === 0) break;
        }
        continue;
      }

      const second = sod % 60;
      if (second !== 0) {
        this.tick(60 - second);
        while (this.secondOf() !== 0) this.tick(1);
        continue;
      }
      return "ok";
    }
  }

  /**
   * Replacement for a search the library would never finish: the earliest
   * instant after `from` whose local wall time matches the expression.
   */
  private earliestMatchAfter(from: number): number | null {
    const z = this.zone!;
    const naive = new CronIterator(this.spec, null, z.toWall(from).wall - DAY - 1);
    let best: number | null = null;
    let bestWall = 0;
    for (;;) {
      const w = naive.next();
      if (w === null || (best !== null && w > bestWall + DAY)) break;
      for (const fold of [0, 1] as const) {
        const u = z.toInstant(w, fold);
        if (u > from && z.toWall(u).wall === w && (best === null || u < best)) {
          best = u;
          bestWall = w;
        }
      }
    }
    return best;
  }

  private hourOf(): number {
    return Math.floor((this.w - Math.floor(this.w / DAY) * DAY) / 3600);
  }
  private minuteOf(): number {
    return Math.floor((this.w - Math.floor(this.w / DAY) * DAY) / 60) % 60;
  }
  private secondOf(): number {
    return (this.w - Math.floor(this.w / DAY) * DAY) % 60;
  }

  /** Next fire instant (seconds), or null once the library would raise StopIteration. */
  next(): number | null {
    if (this.done) return null;
    const from = this.mode === "elapsed" ? this.zone!.toInstant(this.w, this.fold) : 0;
    this.tick(1);
    const r = this.advance();
    if (r === "stuck") {
      const u = this.earliestMatchAfter(from);
      if (u === null) {
        this.done = true;
        return null;
      }
      const wt = this.zone!.toWall(u);
      this.w = wt.wall;
      this.fold = wt.fold;
      return u;
    }
    if (r === "gave-up") {
      this.done = true;
      return null;
    }
    switch (this.mode) {
      case "naive":
        return this.w;
      case "elapsed":
        return this.zone!.toInstant(this.w, this.fold);
      case "wall": {
        const z = this.zone!;
        while (z.isImaginary(this.w)) this.w += 60;
        return z.toInstant(this.w, 0);
      }
    }
  }
}
