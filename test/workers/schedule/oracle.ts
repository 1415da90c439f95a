// An independent reference for "the next fire times" of a cron or OnCalendar schedule, used as
// the oracle of the DST tables and the property tests. It imports nothing from src/: its own
// small parsers, wall time from Intl.DateTimeFormat, and brute force (minute after minute) in
// place of the engine's arithmetic. It applies the libraries' DST rules as the reference
// describes them:
//   - cronsim, wall-clock mode (minute and hour fields not starting with "*"): the first wall
//     time after `after`'s wall time that matches; one in a spring-forward gap moves to the first
//     valid minute after the gap; a repeated wall time means its first pass (fold=0);
//   - cronsim, elapsed-time mode (otherwise): the first instant after `after` whose wall time
//     matches (repeated hours fire twice, gap times do not exist);
//   - oncalendar: per line, wall-clock like cronsim but a gap time is skipped; lines are merged
//     by wall time in the check's zone.
// Where cronsim's elapsed-time stepping departs from "first matching instant", the one exemption
// is elapsedModeDeparts at the end of this file, with the rule it reflects.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const QUARTER = 900_000;

// ---------------------------------------------------------------------------------------------
// Wall time from Intl.

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(tz, f);
  }
  return f;
}

function exactOffset(tz: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(ms / 1000) * 1000;
}

// Offsets per 15-minute UTC bucket: every transition of the zones under test is on a quarter hour,
// and a bucket whose two ends differ is computed exactly.
const offsetCache = new Map<string, number | null>();
/** UTC offset (ms) at an instant. */
export function offsetAt(tz: string, ms: number): number {
  const bucket = Math.floor(ms / 900_000);
  const key = `${tz} ${bucket}`;
  let o = offsetCache.get(key);
  if (o === undefined) {
    const a = exactOffset(tz, bucket * 900_000);
    const b = exactOffset(tz, bucket * 900_000 + 899_000);
    o = a === b ? a : null;
    offsetCache.set(key, o);
  }
  return o ?? exactOffset(tz, ms);
}

/** Local wall time at an instant, as "ms as if UTC", whole seconds. */
export function wallAt(tz: string, ms: number): number {
  return Math.floor(ms / 1000) * 1000 + offsetAt(tz, ms);
}

/** Every instant whose local wall time is `wall`, earliest first: none in a gap, two in a repeat. */
export function instantsOf(tz: string, wall: number): number[] {
  const offsets = new Set([-2, -1, 0, 1, 2].map((d) => offsetAt(tz, wall + d * DAY)));
  return [...offsets].map((o) => wall - o).filter((t) => wallAt(tz, t) === wall).sort((a, b) => a - b);
}

/** Instants in [from, to) where the offset changes, to the second. */
export function transitionsIn(tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += 6 * HOUR) {
    const end = Math.min(t + 6 * HOUR, to);
    if (exactOffset(tz, t) === exactOffset(tz, end)) continue;
    let lo = t;
    let hi = end;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      if (exactOffset(tz, mid) === exactOffset(tz, lo)) lo = mid;
      else hi = mid;
    }
    if (hi < to) out.push(hi);
  }
  return out;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  daysInMonth: number;
}

// The date part of the last day looked at: most calls are for minutes of the same day.
let lastDay = Number.NaN;
let lastDate = { year: 0, month: 0, day: 0, weekday: 0, daysInMonth: 0 };

function fields(wall: number): Fields {
  const dayIndex = Math.floor(wall / DAY);
  if (dayIndex !== lastDay) {
    const d = new Date(dayIndex * DAY);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    lastDate = {
      year,
      month,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
    };
    lastDay = dayIndex;
  }
  const inDay = wall - dayIndex * DAY;
  return {
    ...lastDate,
    hour: Math.floor(inDay / HOUR),
    minute: Math.floor((inDay % HOUR) / MINUTE),
    second: Math.floor((inDay % MINUTE) / 1000),
  };
}

const startOfNextDay = (wall: number) => Math.floor(wall / DAY) * DAY + DAY;

// ---------------------------------------------------------------------------------------------
// Cron: a small parser of the five fields.

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DOWS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function cronNumber(s: string, names: string[], base: number): number {
  const i = names.indexOf(s);
  if (i >= 0) return i + base;
  if (!/^\d+$/.test(s)) throw new Error(`oracle: bad cron value ${s}`);
  return Number(s);
}

/**
 * `*`, `a`, `a-b`, each with an optional `/step` taking every step-th value; a base that is a
 * single value (`a/step`, and also `a-a/step`, as cronsim reads it) runs to `max`.
 */
function cronRange(item: string, min: number, max: number, names: string[], base: number): number[] {
  const [range, stepText] = item.split("/");
  let values: number[];
  if (range === "*") values = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  else {
    const [a, b] = range!.split("-");
    const lo = cronNumber(a!, names, base);
    const hi = b === undefined ? lo : cronNumber(b, names, base);
    values = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  if (stepText === undefined) return values;
  const step = Number(stepText);
  if (values.length === 1) values = Array.from({ length: max - values[0]! + 1 }, (_, i) => values[0]! + i);
  return values.filter((_, i) => i % step === 0);
}

export interface CronOracleSpec {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  dom: Set<number>;
  domLast: boolean;
  domLastWeekday: boolean;
  dow: Set<number>;
  dowLast: Set<number>;
  dowNth: Set<string>;
  /** Debian cron: AND when either day field starts with "*", otherwise OR. */
  dayAnd: boolean;
  /** cronsim's wall-clock mode: neither the minute nor the hour field starts with "*". */
  wallClock: boolean;
}

export function parseCronOracle(expr: string): CronOracleSpec {
  const parts = expr.toUpperCase().trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`oracle: not 5 fields: ${expr}`);
  const [mi, h, dom, mon, dow] = parts as [string, string, string, string, string];
  const spec: CronOracleSpec = {
    minutes: new Set(mi.split(",").flatMap((x) => cronRange(x, 0, 59, [], 0))),
    hours: new Set(h.split(",").flatMap((x) => cronRange(x, 0, 23, [], 0))),
    months: new Set(mon.split(",").flatMap((x) => cronRange(x, 1, 12, MONTHS, 1))),
    dom: new Set(),
    domLast: false,
    domLastWeekday: false,
    dow: new Set(),
    dowLast: new Set(),
    dowNth: new Set(),
    dayAnd: dom.startsWith("*") || dow.startsWith("*"),
    wallClock: !mi.startsWith("*") && !h.startsWith("*"),
  };
  for (const x of dom.split(",")) {
    // cronsim reads "L" with a step ("L/5") as plain "L".
    if (x === "L" || x.startsWith("L/")) spec.domLast = true;
    else if (x === "LW") spec.domLastWeekday = true;
    else for (const v of cronRange(x, 1, 31, [], 0)) spec.dom.add(v);
  }
  for (const x of dow.split(",")) {
    const last = /^(\w+)L$/.exec(x);
    const nth = /^(\w+)#(\d)$/.exec(x);
    if (last) spec.dowLast.add(cronNumber(last[1]!, DOWS, 0) % 7);
    else if (nth) spec.dowNth.add(`${cronNumber(nth[1]!, DOWS, 0) % 7}#${nth[2]}`);
    else for (const v of cronRange(x, 0, 7, DOWS, 0)) spec.dow.add(v % 7);
  }
  return spec;
}

function lastWeekdayOf(f: Fields): number {
  const dow = (f.weekday + (f.daysInMonth - f.day)) % 7;
  return f.daysInMonth - (dow === 0 ? 2 : dow === 6 ? 1 : 0);
}

function cronDayMatches(s: CronOracleSpec, f: Fields): boolean {
  if (!s.months.has(f.month)) return false;
  const domOk = s.dom.has(f.day) || (s.domLast && f.day === f.daysInMonth) || (s.domLastWeekday && f.day === lastWeekdayOf(f));
  const dowOk =
    s.dow.has(f.weekday) || (s.dowLast.has(f.weekday) && f.day + 7 > f.daysInMonth) || s.dowNth.has(`${f.weekday}#${Math.ceil(f.day / 7)}`);
  return s.dayAnd ? domOk && dowOk : domOk || dowOk;
}

export function cronWallMatches(s: CronOracleSpec, wall: number): boolean {
  const f = fields(wall);
  return f.second === 0 && s.minutes.has(f.minute) && s.hours.has(f.hour) && cronDayMatches(s, f);
}

/** The first wall minute strictly after `wall` that matches, or null past `limit` (a wall time). */
function nextCronWall(s: CronOracleSpec, wall: number, limit: number): number | null {
  let w = Math.floor(wall / MINUTE) * MINUTE + MINUTE;
  while (w <= limit) {
    const f = fields(w);
    if (!cronDayMatches(s, f)) w = startOfNextDay(w);
    else if (!s.hours.has(f.hour)) w = Math.floor(w / HOUR) * HOUR + HOUR;
    else if (s.minutes.has(f.minute)) return w;
    else w += MINUTE;
  }
  return null;
}

/**
 * Up to `n` fire times (instants) after `after`, searching at most `horizonMs` past it.
 * Elapsed-time mode is "every matching instant"; see the file comment.
 */
export function cronOracle(expr: string, tz: string, after: number, n: number, horizonMs = 400 * DAY): number[] {
  const s = parseCronOracle(expr);
  const out: number[] = [];
  if (s.wallClock) {
    let cur = wallAt(tz, after);
    const limit = cur + horizonMs;
    while (out.length < n) {
      let w = nextCronWall(s, cur, limit);
      if (w === null) break;
      // A gap time moves to the first minute that exists.
      while (instantsOf(tz, w).length === 0) w += MINUTE;
      out.push(instantsOf(tz, w)[0]!);
      cur = w;
    }
    return out;
  }
  const limit = after + horizonMs;
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  while (out.length < n && t <= limit) {
    const wall = wallAt(tz, t);
    if (!cronDayMatches(s, fields(wall))) {
      // Skip most of a day that cannot match, keeping a margin for offset changes.
      const ahead = startOfNextDay(wall) - wall - 3 * HOUR;
      t += ahead > MINUTE ? Math.floor(ahead / MINUTE) * MINUTE : MINUTE;
      continue;
    }
    if (!s.hours.has(fields(wall).hour) && offsetAt(tz, t) % QUARTER === 0) {
      // The wall hour can only change at a wall hour's start or at a transition, both on a UTC
      // quarter hour when the offset is whole quarter hours (every zone under test).
      t = Math.floor(t / QUARTER) * QUARTER + QUARTER;
      continue;
    }
    if (cronWallMatches(s, wall)) out.push(t);
    t += MINUTE;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// OnCalendar: a small parser of the subset the tests generate.

const OC_DOWS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const SPECIALS: Record<string, string> = {
  minutely: "*-*-* *:*:00",
  hourly: "*-*-* *:00:00",
  daily: "*-*-* 00:00:00",
  weekly: "Mon *-*-* 00:00:00",
  monthly: "*-*-01 00:00:00",
  quarterly: "*-01,04,07,10-01 00:00:00",
  semiannually: "*-01,07-01 00:00:00",
  yearly: "*-01-01 00:00:00",
  annually: "*-01-01 00:00:00",
};

/** `*`, values, `a..b`, `a/step` (to max), `a..b/step`, comma lists. */
function ocValues(text: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  if (text === "*") {
    for (let v = min; v <= max; v++) out.add(v);
    return out;
  }
  for (const item of text.split(",")) {
    if (item === "") continue;
    const [range, stepText] = item.split("/");
    const [a, b] = range!.split("..");
    const lo = Number(a);
    const hi = b !== undefined ? Number(b) : stepText !== undefined ? max : lo;
    const step = stepText === undefined ? 1 : Number(stepText);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Days counted from the month's end (`~a`, `~a/step` going towards the end, i.e. down to 1). */
function ocFromEnd(text: string): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const [a, stepText] = item.split("/");
    const [lo, hi] = a!.split("..");
    if (hi !== undefined) for (let v = Number(lo); v <= Number(hi); v++) out.add(v);
    else if (stepText === undefined) out.add(Number(a));
    else for (let v = Number(a); v >= 1; v -= Number(stepText)) out.add(v);
  }
  return out;
}

/** Years; two digits mean 2000-2069 or 1970-1999. */
function ocYears(text: string): Set<number> | null {
  if (text === "*") return null;
  const full = text.replace(/\d+/g, (y) => (y.length > 2 ? y : String(Number(y) + (Number(y) < 70 ? 2000 : 1900))));
  return ocValues(full, 1970, 2199);
}

function ocDows(text: string): Set<number> {
  const out = new Set<number>();
  const day = (s: string) => OC_DOWS.indexOf(s.slice(0, 3).toUpperCase());
  for (const item of text.split(",")) {
    if (item === "") continue;
    const [a, b] = item.split(/\.\.|-/);
    const lo = day(a!);
    const hi = b === undefined ? lo : day(b);
    for (let v = lo; v <= hi; v++) out.add(v);
  }
  return out;
}

interface OcLine {
  zone: string | null;
  years: Set<number> | null;
  months: Set<number>;
  days: Set<number>;
  /** `~`: days counted from the month's end (1 = the last day). */
  fromEnd: Set<number>;
  dows: Set<number>;
  hours: Set<number>;
  minutes: Set<number>;
  seconds: number[];
}

function isZone(s: string): boolean {
  if (/^[0-9*]/.test(s)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

function parseOcLine(text: string): OcLine {
  let tokens = text.trim().split(/\s+/);
  let zone: string | null = null;
  if (tokens.length > 1 && isZone(tokens[tokens.length - 1]!)) zone = tokens.pop()!;
  if (tokens.length === 1 && SPECIALS[tokens[0]!.toLowerCase()] !== undefined) tokens = SPECIALS[tokens[0]!.toLowerCase()]!.split(" ");
  const line: OcLine = {
    zone,
    years: null,
    months: ocValues("*", 1, 12),
    days: ocValues("*", 1, 31),
    fromEnd: new Set(),
    dows: ocDows("Mon..Sun"),
    hours: new Set([0]),
    minutes: new Set([0]),
    seconds: [0],
  };
  if (/^[A-Za-z]/.test(tokens[0]!)) line.dows = ocDows(tokens.shift()!);
  if (tokens[0] !== undefined && !tokens[0].includes(":")) {
    const date = tokens.shift()!;
    const [ym, fromEnd] = date.split("~");
    const parts = ym!.split("-");
    if (fromEnd !== undefined) {
      // [Y-]M~D
      if (parts.length === 2) line.years = ocYears(parts[0]!);
      line.months = ocValues(parts[parts.length - 1]!, 1, 12);
      line.days = new Set();
      line.fromEnd = ocFromEnd(fromEnd);
    } else {
      if (parts.length === 3) line.years = ocYears(parts[0]!);
      line.months = ocValues(parts[parts.length - 2]!, 1, 12);
      line.days = ocValues(parts[parts.length - 1]!, 1, 31);
    }
  }
  if (tokens[0] !== undefined) {
    const [h, m, s] = tokens.shift()!.split(":");
    line.hours = ocValues(h!, 0, 23);
    line.minutes = ocValues(m!, 0, 59);
    line.seconds = [...ocValues(s ?? "0", 0, 59)].sort((a, b) => a - b);
  }
  if (tokens.length > 0) throw new Error(`oracle: unparsed OnCalendar tokens in ${text}`);
  return line;
}

function ocDayMatches(l: OcLine, f: Fields): boolean {
  if (f.year < 1970 || f.year >= 2200 || (l.years !== null && !l.years.has(f.year))) return false;
  if (!l.months.has(f.month) || !l.dows.has((f.weekday + 6) % 7)) return false;
  return l.days.has(f.day) || l.fromEnd.has(f.daysInMonth - f.day + 1);
}

/** The first matching wall time (to the second) strictly after `wall`, or null past `limit`. */
function nextOcWall(l: OcLine, wall: number, limit: number): number | null {
  let w = Math.floor(wall / MINUTE) * MINUTE;
  while (w <= limit) {
    const f = fields(w);
    if (!ocDayMatches(l, f)) {
      w = startOfNextDay(w);
      continue;
    }
    if (!l.hours.has(f.hour)) {
      w = Math.floor(w / HOUR) * HOUR + HOUR;
      continue;
    }
    if (l.minutes.has(f.minute)) {
      for (const s of l.seconds) if (w + s * 1000 > wall) return w + s * 1000;
    }
    w += MINUTE;
  }
  return null;
}

/** One line's fire times: wall-clock in the line's zone, gap times skipped, first pass of repeats. */
function* ocLineTimes(l: OcLine, tz: string, after: number, horizonMs: number): Generator<number> {
  const zone = l.zone ?? tz;
  let cur = wallAt(zone, after);
  const limit = cur + horizonMs;
  for (;;) {
    const w = nextOcWall(l, cur, limit);
    if (w === null) return;
    cur = w;
    const instants = instantsOf(zone, w);
    if (instants.length > 0) yield instants[0]!;
  }
}

/**
 * Up to `n` fire times of a (possibly multi-line) OnCalendar schedule. Lines are merged as
 * oncalendar 1.1 does: a line is advanced while its pending time is not after the last result,
 * comparing wall times in the check's zone (reference README rule 3).
 */
export function onCalendarOracle(expr: string, tz: string, after: number, n: number, horizonMs = 400 * DAY): number[] {
  const lines = expr.trim().split("\n").map((l) => ocLineTimes(parseOcLine(l), tz, after, horizonMs));
  const pending = new Map<Generator<number>, number>(lines.map((g) => [g, after]));
  const out: number[] = [];
  let last = after;
  while (out.length < n) {
    for (const [g, t] of [...pending]) {
      if (wallAt(tz, t) > wallAt(tz, last)) continue;
      const next = g.next();
      if (next.done) pending.delete(g);
      else pending.set(g, next.value);
    }
    if (pending.size === 0) break;
    let best: number | null = null;
    for (const t of pending.values()) if (best === null || wallAt(tz, t) < wallAt(tz, best)) best = t;
    last = best!;
    out.push(last);
  }
  return out;
}

export function oracle(kind: "cron" | "oncalendar", expr: string, tz: string, after: number, n: number, horizonMs?: number): number[] {
  return kind === "cron" ? cronOracle(expr, tz, after, n, horizonMs) : onCalendarOracle(expr, tz, after, n, horizonMs);
}

// ---------------------------------------------------------------------------------------------
// Where cronsim's elapsed-time mode departs from "the first matching instant".

/**
 * Transitions in [from, to) that are not a whole-hour shift at a whole wall hour: Lord Howe's
 * 30-minute shift, Chatham's change at 02:45/03:45.
 */
export function irregularTransitionsIn(tz: string, from: number, to: number): number[] {
  return transitionsIn(tz, from, to).filter((t) => {
    const before = wallAt(tz, t - 1000) + 1000;
    const after = wallAt(tz, t);
    return (after - before) % HOUR !== 0 || before % HOUR !== 0;
  });
}

/**
 * Exemption, and the rule it reflects. In elapsed-time mode cronsim does not scan instants: when
 * the hour does not match it goes back to the top of the current wall hour (wall-clock
 * arithmetic, `replace(minute=0)`) and then moves in steps of one elapsed hour, and it reaches a
 * minute by a wall-clock difference. Across a whole-hour transition at a whole wall hour that
 * still visits every matching instant, which is why Riga and New York need no exemption. Across
 * an irregular transition (see above) the top of the wall hour lies at a different distance, so
 * for the rest of that day the steps land on other minutes: a match can be missed, or the
 * result can even precede `after` (verified with cronsim 2.7: `30 * * * *` in Lord Howe after
 * 2021-04-03T12:59:47Z gives 13:30, 14:30, 16:00 — not 15:00; minute 15 of every third hour in
 * Chatham after 2021-04-03T14:00Z gives 13:30). Such a case is exempt from equality with the oracle when an
 * irregular transition lies between two hours before `after` (how far back the reset can reach)
 * and the last result compared; its results must still be matching wall times.
 */
export function elapsedModeDeparts(expr: string, tz: string, after: number, lastCompared: number): boolean {
  if (parseCronOracle(expr).wallClock) return false;
  return irregularTransitionsIn(tz, after - 2 * HOUR, lastCompared + 1000).length > 0;
}

/** Is the instant a match of the cron expression, read in tz? */
export function cronMatchesAt(expr: string, tz: string, t: number): boolean {
  return cronWallMatches(parseCronOracle(expr), wallAt(tz, t));
}
