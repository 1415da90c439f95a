// systemd OnCalendar expressions with the semantics of the Python `oncalendar`
// 1.1 library, which Healthchecks uses. Own implementation; behaviour follows
// the reference notes and the golden data.

import { isAsciiDigits, pyRsplitOnce, pySplit, pyStrip } from "./pyutil";
import { DAY, civilFromDays, daysFromCivil, daysInMonth, getZone, isValidZoneName, weekdayOfDays, type Zone } from "./tz";

export class OnCalendarParseError extends Error {}

/** Iteration stops at this year, as systemd does. */
export const MAX_YEAR = 2200;

const enum F {
  DOW = 0,
  YEAR = 1,
  MONTH = 2,
  DAY = 3,
  HOUR = 4,
  MINUTE = 5,
  SECOND = 6,
}
const FIELD_NAMES = ["day-of-week", "year", "month", "day-of-month", "hour", "minute", "second"];
const LO = [0, 1970, 1, 1, 0, 0, 0];
const HI = [6, MAX_YEAR - 1, 12, 31, 23, 59, 59];
const DAY_NAMES = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
const DAY_ABBR = DAY_NAMES.map((d) => d.slice(0, 3));

const SPECIALS: Record<string, string> = {
  minutely: "*-*-* *:*:00",
  hourly: "*-*-* *:00:00",
  daily: "*-*-* 00:00:00",
  monthly: "*-*-01 00:00:00",
  weekly: "Mon *-*-* 00:00:00",
  yearly: "*-01-01 00:00:00",
  annually: "*-01-01 00:00:00",
  quarterly: "*-01,04,07,10-01 00:00:00",
  semiannually: "*-01,07-01 00:00:00",
};

function fail(f: F): never {
  throw new OnCalendarParseError(`Bad ${FIELD_NAMES[f]}`);
}

function toInt(f: F, s: string): number {
  if (f === F.DOW) {
    const u = s.toUpperCase();
    let i = DAY_NAMES.indexOf(u);
    if (i < 0) i = DAY_ABBR.indexOf(u);
    if (i < 0) fail(f);
    return i; // Monday = 0
  }
  if (!isAsciiDigits(s)) fail(f);
  let v = Number(s);
  if (f === F.YEAR && v < 70) v += 2000;
  if (f === F.YEAR && v < 100) v += 1900;
  if (v < LO[f]! || v > HI[f]!) fail(f);
  return v;
}

function range(lo: number, hi: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
}

/**
 * One component into a set of integers. Days counted from the month's end
 * ("~") are negative: -1 is the last day.
 */
function parseComponent(f: F, s: string, fromEnd = false): Set<number> {
  if (f === F.DAY && s.startsWith("~")) return parseComponent(f, s.slice(1), true);
  if (f !== F.DOW && s === "*") return new Set(range(LO[f]!, HI[f]!));
  // "*" may only stand alone.
  if (s.includes("*")) fail(f);
  if (f === F.DOW && s.endsWith(",")) return parseComponent(f, s.slice(0, -1));
  if (f === F.DOW && s.includes("-")) return parseComponent(f, s.replaceAll("-", ".."));

  if (s.includes(",")) {
    const out = new Set<number>();
    for (const term of s.split(",")) for (const v of parseComponent(f, term, fromEnd)) out.add(v);
    return out;
  }

  if (f !== F.DOW && s.includes("/")) {
    const at = s.indexOf("/");
    const stepStr = s.slice(at + 1);
    if (!isAsciiDigits(stepStr)) fail(f);
    const step = Number(stepStr);
    if (step === 0) fail(f);
    const items = parseComponent(f, s.slice(0, at), fromEnd);
    if (items.size === 1) {
      const start = items.values().next().value!;
      return new Set(range(start, fromEnd ? 0 : HI[f]!, step));
    }
    const sorted = [...items].sort((a, b) => a - b);
    return new Set(sorted.filter((_, i) => i % step === 0));
  }

  if (s.includes("..")) {
    const at = s.indexOf("..");
    let lo = toInt(f, s.slice(0, at));
    let hi = toInt(f, s.slice(at + 2));
    if (hi < lo) fail(f);
    if (fromEnd) [lo, hi] = [-hi, -lo];
    return new Set(range(lo, hi));
  }

  const v = toInt(f, s);
  if (fromEnd) {
    if (v > 28) fail(f);
    return new Set([-v]);
  }
  return new Set([v]);
}

function flags(size: number, values: Iterable<number>, offset = 0): Uint8Array {
  const a = new Uint8Array(size);
  for (const v of values) a[v - offset] = 1;
  return a;
}

/** One line of an OnCalendar schedule. */
export interface OnCalendarLine {
  /** The line after stripping, zone removed. */
  readonly text: string;
  /** Normalised form: "DOW YYYY-MM-DD HH:MM:SS [zone]" (systemd style). */
  readonly normalized: string;
  /** Zone named at the end of the line, or null (use the check's zone). */
  readonly zone: string | null;
  readonly years: Uint8Array; // index year - 1970
  readonly yearList: readonly number[];
  readonly months: Uint8Array; // [13]
  readonly days: Uint8Array; // [32] positive days
  readonly daysFromEnd: Uint8Array; // [32] index k means the k-th day from the end (1 = last)
  readonly anyFromEnd: boolean;
  readonly weekdays: Uint8Array; // [7], Monday = 0
  readonly allWeekdays: boolean;
  readonly hourList: readonly number[];
  readonly minuteList: readonly number[];
  readonly secondList: readonly number[];
}

export interface OnCalendarSpec {
  readonly source: string;
  readonly lines: readonly OnCalendarLine[];
}

function parseLine(raw: string): OnCalendarLine {
  let expression = pyStrip(raw);
  let zone: string | null = null;
  if (expression.includes(" ")) {
    const split = pyRsplitOnce(expression);
    if (split) {
      const [head, maybeZone] = split;
      if (!/^[0-9*]/.test(maybeZone) && isValidZoneName(maybeZone)) {
        expression = head;
        zone = maybeZone;
      }
    }
  }
  const special = SPECIALS[expression.toLowerCase()];
  if (special !== undefined) expression = special;

  const parts = pySplit(expression.replaceAll("~", "-~"));
  if (parts.length === 0) throw new OnCalendarParseError("Wrong number of fields");

  let hours = new Set([0]);
  let minutes = new Set([0]);
  let seconds = new Set([0]);
  let timeText = "00:00:00";
  if (parts[parts.length - 1]!.includes(":")) {
    const token = parts.pop()!;
    const t = token.split(":");
    if (t.length !== 2 && t.length !== 3) throw new OnCalendarParseError("Bad time");
    timeText = t.length === 2 ? `${token}:00` : token;
    if (t.length === 2) t.push("0"); // seconds default to 0
    hours = parseComponent(F.HOUR, t[0]!);
    minutes = parseComponent(F.MINUTE, t[1]!);
    seconds = parseComponent(F.SECOND, t[2]!);
  }

  let years = new Set(range(LO[F.YEAR]!, HI[F.YEAR]!));
  let months = new Set(range(1, 12));
  let days = new Set(range(1, 31));
  let dateText = "*-*-*";
  const last = parts[parts.length - 1];
  if (last !== undefined && last.includes("-") && /^[0-9*]/.test(last)) {
    parts.pop();
    const d = last.split("-");
    if (d.length !== 2 && d.length !== 3) throw new OnCalendarParseError("Bad date");
    if (d.length === 2) d.unshift("*");
    years = parseComponent(F.YEAR, d[0]!);
    months = parseComponent(F.MONTH, d[1]!);
    days = parseComponent(F.DAY, d[2]!);
    dateText = (last.split("-").length === 2 ? `*-${last}` : last).replaceAll("-~", "~");
  }

  let weekdays = new Set(range(0, 6));
  let dowText = "";
  if (parts.length > 0) {
    const token = parts.shift()!;
    weekdays = parseComponent(F.DOW, token);
    dowText = token.replace(/,+$/, "").replaceAll("-", "..");
  }
  if (parts.length > 0) throw new OnCalendarParseError("Wrong number of fields");

  const posDays = new Uint8Array(32);
  const endDays = new Uint8Array(32);
  let anyFromEnd = false;
  for (const v of days) {
    if (v > 0) posDays[v] = 1;
    else if (v < 0) {
      anyFromEnd = true;
      if (v >= -31) endDays[-v] = 1;
    } else anyFromEnd = true; // 0 never matches but still flags reverse matching
  }

  const normalized = [dowText, dateText, timeText, zone ?? ""].filter((x) => x !== "").join(" ");
  return {
    text: expression,
    normalized,
    zone,
    years: flags(MAX_YEAR - 1970, years, 1970),
    yearList: [...years].sort((a, b) => a - b),
    months: flags(13, months),
    days: posDays,
    daysFromEnd: endDays,
    anyFromEnd,
    weekdays: flags(7, weekdays),
    allWeekdays: weekdays.size === 7,
    hourList: [...hours].sort((a, b) => a - b),
    minuteList: [...minutes].sort((a, b) => a - b),
    secondList: [...seconds].sort((a, b) => a - b),
  };
}

/** Parse a (possibly multi-line) OnCalendar schedule. Throws OnCalendarParseError. */
export function parseOnCalendar(expressions: string): OnCalendarSpec {
  const lines = pyStrip(expressions)
    .split("\n")
    .map((l) => parseLine(l));
  return { source: expressions, lines };
}

function dayMatches(line: OnCalendarLine, d: number, dim: number, n: number): boolean {
  if (!line.allWeekdays && line.weekdays[(weekdayOfDays(n) + 6) % 7] !== 1) return false;
  if (line.days[d] === 1) return true;
  return line.anyFromEnd && line.daysFromEnd[dim - d + 1] === 1;
}

/** Smallest element of a sorted list that is >= v, or undefined. */
function atLeast(list: readonly number[], v: number): number | undefined {
  for (const x of list) if (x >= v) return x;
  return undefined;
}

/** Earliest time of day (seconds) >= sod that matches, or null. */
function timeOfDayAtLeast(line: OnCalendarLine, sod: number): number | null {
  const h0 = Math.floor(sod / 3600);
  const m0 = Math.floor(sod / 60) % 60;
  const s0 = sod % 60;
  for (const h of line.hourList) {
    if (h < h0) continue;
    const mFrom = h === h0 ? m0 : 0;
    for (const m of line.minuteList) {
      if (m < mFrom) continue;
      const s = atLeast(line.secondList, h === h0 && m === m0 ? s0 : 0);
      if (s !== undefined) return h * 3600 + m * 60 + s;
    }
  }
  return null;
}

/** Smallest matching wall time >= w (seconds), or null when none before MAX_YEAR. */
export function nextWallMatch(line: OnCalendarLine, w: number): number | null {
  let n = Math.floor(w / DAY);
  let sod = w - n * DAY;
  let [y, m, d] = civilFromDays(n);
  const firstOfNextMonth = () => {
    d = 1;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  };
  for (;;) {
    if (y >= MAX_YEAR) return null;
    if (y < 1970 || line.years[y - 1970] !== 1) {
      const ny = atLeast(line.yearList, y + 1);
      if (ny === undefined) return null;
      y = ny;
      m = 1;
      d = 1;
      sod = 0;
      continue;
    }
    if (line.months[m] !== 1) {
      m++;
      while (m <= 12 && line.months[m] !== 1) m++;
      if (m > 12) {
        y++;
        m = 1;
      }
      d = 1;
      sod = 0;
      continue;
    }
    const dim = daysInMonth(y, m);
    n = daysFromCivil(y, m, d);
    if (!dayMatches(line, d, dim, n)) {
      do {
        d++;
        n++;
      } while (d <= dim && !dayMatches(line, d, dim, n));
      sod = 0;
      if (d > dim) {
        firstOfNextMonth();
        continue;
      }
    }
    const t = timeOfDayAtLeast(line, sod);
    if (t !== null) return n * DAY + t;
    // Nothing left today: the next day.
    sod = 0;
    d++;
    if (d > dim) firstOfNextMonth();
  }
}

/** One line iterating in its own zone (BaseIterator + TzIterator behaviour). */
class LineIterator {
  private w: number;
  private done = false;
  constructor(
    private readonly line: OnCalendarLine,
    private readonly zone: Zone,
    start: number,
  ) {
    this.w = zone.toWall(start).wall;
  }

  /** Next instant, or null when exhausted. Gap (non-existent) wall times are skipped. */
  next(): number | null {
    if (this.done) return null;
    let w = this.w + 1;
    for (;;) {
      const match = nextWallMatch(this.line, w);
      if (match === null) {
        this.done = true;
        return null;
      }
      if (!this.zone.isImaginary(match)) {
        this.w = match;
        return this.zone.toInstant(match, 0);
      }
      w = match + 1;
    }
  }
}

/**
 * The whole schedule: the lines merged the way the library does it, by comparing
 * wall-clock times in the check's zone (fold ignored). Around a fall-back
 * transition this can yield instants out of order.
 */
export class OnCalendarIterator {
  private readonly its: LineIterator[];
  private readonly values: (number | null)[]; // instants; null = not started
  private readonly walls: number[];
  private readonly live: boolean[];
  private current = 0; // wall time (check's zone) of the last value returned
  private started = false;

  constructor(
    spec: OnCalendarSpec,
    private readonly localZone: Zone,
    start: number,
  ) {
    this.its = spec.lines.map((l) => new LineIterator(l, l.zone === null ? localZone : getZone(l.zone), start));
    this.values = this.its.map(() => null);
    this.walls = this.its.map(() => 0);
    this.live = this.its.map(() => true);
  }

  next(): number | null {
    let best = -1;
    for (let i = 0; i < this.its.length; i++) {
      if (!this.live[i]) continue;
      if (!this.started || this.walls[i]! <= this.current) {
        const v = this.its[i]!.next();
        if (v === null) {
          this.live[i] = false;
          continue;
        }
        this.values[i] = v;
        this.walls[i] = this.localZone.toWall(v).wall;
      }
      if (best < 0 || this.walls[i]! < this.walls[best]!) best = i;
    }
    this.started = true;
    if (best < 0) return null;
    this.current = this.walls[best]!;
    return this.values[best]!;
  }
}
