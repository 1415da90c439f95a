// Shared helpers for the schedule-engine tests. Time-zone facts here come straight
// from Intl (independent of src/checks/schedule/tz.ts) so the tests cross-check it.

import golden from "../../fixtures/schedules-golden.jsonl?raw";
import { parseCron, type CronSpec } from "../../../src/checks/schedule/cron";
import { parseOnCalendar, type OnCalendarLine, type OnCalendarSpec } from "../../../src/checks/schedule/oncalendar";

export interface GoldenRow {
  kind: "cron" | "oncalendar";
  schedule: string;
  tz: string;
  after: string;
  next: string[];
  error: string | null;
}

export const goldenRows: GoldenRow[] = golden
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as GoldenRow);

/** A readable, unique test name for a golden row. */
export function rowName(r: GoldenRow, i: number): string {
  return `#${String(i + 1).padStart(3, "0")} ${r.kind} ${JSON.stringify(r.schedule)} tz=${r.tz} after=${r.after}`;
}

/** UTC ISO string, whole seconds, "Z". */
export const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

// ---------------------------------------------------------------------------
// Independent Intl-based wall-clock helpers.

const fmts = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    fmts.set(tz, f);
  }
  return f;
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function wallOf(tz: string, ms: number): Wall {
  const w: Partial<Wall> = {};
  for (const p of fmt(tz).formatToParts(ms)) {
    if (p.type === "weekday") w.weekday = WEEKDAYS.indexOf(p.value);
    else if (p.type !== "literal" && p.type in { year: 1, month: 1, day: 1, hour: 1, minute: 1, second: 1 }) {
      (w as Record<string, number>)[p.type] = Number(p.value);
    }
  }
  return w as Wall;
}

/** Local wall time as "epoch ms as if UTC". */
export function wallMs(tz: string, ms: number): number {
  const w = wallOf(tz, ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** UTC offset in minutes at an instant. */
export function offsetMinutes(tz: string, ms: number): number {
  return Math.round((wallMs(tz, ms) - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * Offset transitions (instants, ms) in [from, to): scans day by day, then bisects
 * to the second. (Misses a pair of transitions within one day that cancel out,
 * which no zone under test has.)
 */
export function transitionsBetween(tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  const step = 86_400_000;
  let prev = offsetMinutes(tz, from);
  for (let t = from; t < to; t += step) {
    const end = Math.min(t + step, to);
    const o = offsetMinutes(tz, end);
    if (o === prev) continue;
    let lo = t;
    let hi = end;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      if (offsetMinutes(tz, mid) === prev) lo = mid;
      else hi = mid;
    }
    if (hi < to) out.push(hi);
    prev = o;
  }
  return out;
}

/**
 * May cronsim's elapsed-time mode (minute or hour field starting with "*") skip the
 * matching instant t when iterating from `after`? Its steps are approximate around
 * DST transitions (verified against cronsim 2.7, which returns the same times):
 * - its reset to the top of the hour is wall-clock arithmetic, so it can land in the
 *   first pass of a repeated hour and miss a second-pass match;
 * - right after a spring-forward that is not at a whole wall hour (Chatham, 02:45)
 *   the rest of that hour can be skipped;
 * - after crossing a transition that is not a whole hour (Lord Howe's 30 minutes)
 *   its jumps assume 60-minute hours, e.g. "30 * * * *" skips 02:30.
 */
export function elapsedModeMaySkip(tz: string, after: number, t: number): boolean {
  if (isSecondPass(tz, t)) return true;
  const ts = transitionsBetween(tz, after - 3 * 3_600_000, t + 1000);
  if (ts.some((tr) => t - tr >= 0 && t - tr < 2 * 3_600_000)) return true;
  return ts.some((tr) => Math.abs(offsetMinutes(tz, tr) - offsetMinutes(tz, tr - 1000)) % 60 !== 0);
}

/**
 * True when the wall time at `ms` also occurred earlier (second pass of a
 * fall-back repeat, Python's fold=1).
 */
export function isSecondPass(tz: string, ms: number): boolean {
  const here = wallMs(tz, ms);
  for (const back of [30, 60, 90, 120, 180]) {
    const earlier = ms - back * 60_000;
    const shift = offsetMinutes(tz, earlier) - offsetMinutes(tz, ms);
    if (shift > 0 && wallMs(tz, ms - shift * 60_000) === here) return true;
  }
  return false;
}

/**
 * True when the wall time `wall` (ms as if UTC) does not exist in tz (spring-forward gap).
 */
export function isGapWall(tz: string, wall: number): boolean {
  // Any instant showing this wall time lies within ±14 h of it.
  const o1 = offsetMinutes(tz, wall - 86_400_000);
  const o2 = offsetMinutes(tz, wall + 86_400_000);
  for (const o of new Set([o1, o2])) {
    if (wallMs(tz, wall - o * 60_000) === wall) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Matchers written against the parsed flags (the parser itself is checked by the golden file).

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function cronMatches(spec: CronSpec, w: Wall): boolean {
  if (w.second !== 0) return false;
  if (!spec.minutes[w.minute] || !spec.hours[w.hour] || !spec.months[w.month]) return false;
  const dim = daysInMonth(w.year, w.month);
  let lastWeekday = dim;
  const lastDow = new Date(Date.UTC(w.year, w.month - 1, dim)).getUTCDay();
  if (lastDow === 0) lastWeekday = dim - 2;
  if (lastDow === 6) lastWeekday = dim - 1;
  const domOk = !!spec.dom[w.day] || (spec.domLast && w.day === dim) || (spec.domLastWeekday && w.day === lastWeekday);
  const dowOk =
    !!spec.dow[w.weekday] ||
    (!!spec.dowLast[w.weekday] && w.day + 7 > dim) ||
    !!spec.dowNth[w.weekday * 6 + Math.ceil(w.day / 7)];
  return spec.dayAnd ? domOk && dowOk : domOk || dowOk;
}

export function lineMatches(line: OnCalendarLine, w: Wall): boolean {
  if (w.year < 1970 || w.year >= 2200 || !line.years[w.year - 1970]) return false;
  if (!line.months[w.month]) return false;
  if (!line.weekdays[(w.weekday + 6) % 7]) return false;
  const dim = daysInMonth(w.year, w.month);
  if (!line.days[w.day] && !(line.anyFromEnd && line.daysFromEnd[dim - w.day + 1])) return false;
  return line.hourList.includes(w.hour) && line.minuteList.includes(w.minute) && line.secondList.includes(w.second);
}

export type Matcher = (ms: number) => boolean;
export type WallFn = (tz: string, ms: number) => Wall;

/** Broken-down fields of a wall time given as ms-as-if-UTC. */
export function fieldsOfWallMs(w: number): Wall {
  const d = new Date(w);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * wallOf with the offset cached per 15-minute UTC bucket (all transitions of the
 * zones under test fall on quarter hours; a bucket whose ends differ is computed exactly).
 */
export function cachedWallFn(): WallFn {
  const cache = new Map<string, number | null>();
  return (tz, ms) => {
    const bucket = Math.floor(ms / 900_000);
    const key = `${tz} ${bucket}`;
    let off = cache.get(key);
    if (off === undefined) {
      const a = offsetMinutes(tz, bucket * 900_000);
      const b = offsetMinutes(tz, bucket * 900_000 + 899_000);
      off = a === b ? a : null;
      cache.set(key, off);
    }
    const o = off ?? offsetMinutes(tz, ms);
    return fieldsOfWallMs(Math.floor(ms / 1000) * 1000 + o * 60_000);
  };
}

/** Does the instant match the schedule, read in the check's zone (each OnCalendar line in its own zone)? */
export function matcherFor(kind: "cron" | "oncalendar", schedule: string, tz: string, wall: WallFn = wallOf): Matcher {
  if (kind === "cron") {
    const spec = parseCron(schedule);
    return (ms) => cronMatches(spec, wall(tz, ms));
  }
  const spec: OnCalendarSpec = parseOnCalendar(schedule);
  return (ms) => spec.lines.some((l) => lineMatches(l, wall(l.zone ?? tz, ms)));
}

/**
 * A cron result that is not itself a match but the documented gap shift: the
 * instant is a spring-forward transition and some wall time inside the skipped
 * span matches the expression (cronsim moves it to the first valid minute).
 */
export function isGapShift(spec: CronSpec, tz: string, ms: number): boolean {
  const shift = offsetMinutes(tz, ms) - offsetMinutes(tz, ms - 1000);
  if (shift <= 0) return false;
  const wall = wallMs(tz, ms);
  for (let m = 1; m <= shift; m++) {
    if (cronMatches(spec, fieldsOfWallMs(wall - m * 60_000))) return true;
  }
  return false;
}

export { goldenRows as rows };
