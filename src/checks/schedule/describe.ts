// Human descriptions of cron expressions ("At 09:00 on Monday through Friday")
// and OnCalendar schedules (their normalised lines). Own wording.

import type { CronSpec } from "./cron";
import { parseOnCalendar } from "./oncalendar";

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_ABBR = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const MONTH_ABBR = MONTH_NAMES.map((m) => m.slice(0, 3).toUpperCase());
const NTH_WORDS = ["", "first", "second", "third", "fourth", "fifth"];

type Unit = "minute" | "hour" | "day-of-month" | "month" | "day-of-week";
const MAX: Record<Unit, number> = { minute: 59, hour: 23, "day-of-month": 31, month: 12, "day-of-week": 7 };

export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

function num(unit: Unit, s: string): number {
  if (unit === "day-of-week") {
    const i = DAY_ABBR.indexOf(s);
    if (i >= 0) return i;
  }
  if (unit === "month") {
    const i = MONTH_ABBR.indexOf(s);
    if (i >= 0) return i + 1;
  }
  return Number(s);
}

/** Display form of one value of a field. */
function show(unit: Unit, s: string): string {
  const v = num(unit, s);
  if (unit === "day-of-week") return DAY_NAMES[v % 7]!;
  if (unit === "month") return MONTH_NAMES[v - 1]!;
  return String(v);
}

const isPlain = (s: string) => /^[0-9A-Z]+$/.test(s) && s !== "L" && s !== "LW" && !/^\d+L$/.test(s);

/** Phrase for one comma-separated item of a field. */
function itemPhrase(unit: Unit, item: string): string {
  if (unit === "day-of-month") {
    if (item.startsWith("LW")) return "the last weekday of the month";
    if (item.startsWith("L")) return "the last day of the month";
  }
  if (unit === "day-of-week") {
    const last = /^(\d+)L$/.exec(item);
    if (last) return `the last ${DAY_NAMES[Number(last[1]) % 7]} of the month`;
    const nth = /^([0-9A-Z]+)#(\d+)$/.exec(item);
    if (nth) return `the ${NTH_WORDS[Number(nth[2])]} ${show(unit, nth[1]!)} of the month`;
  }
  const slash = item.indexOf("/");
  const base = slash >= 0 ? item.slice(0, slash) : item;
  const step = slash >= 0 ? Number(item.slice(slash + 1)) : 1;
  const every = step === 1 ? `every ${unit}` : `every ${ordinal(step)} ${unit}`;
  if (slash >= 0 && (unit === "day-of-week" || unit === "month")) {
    // Few values: name them ("Tuesday, Thursday and Saturday").
    const lo = unit === "month" ? 1 : 0;
    let from = lo;
    let to = MAX[unit];
    if (base !== "*") {
      const dash = base.indexOf("-");
      from = num(unit, dash >= 0 ? base.slice(0, dash) : base);
      if (dash >= 0) to = num(unit, base.slice(dash + 1));
    }
    const names: string[] = [];
    for (let v = from; v <= to; v += step) {
      const name = show(unit, String(v));
      if (!names.includes(name)) names.push(name);
    }
    return joinList(names);
  }
  if (base === "*") return every;
  const dash = base.indexOf("-");
  if (dash >= 0) {
    const lo = show(unit, base.slice(0, dash));
    const hi = show(unit, base.slice(dash + 1));
    return unit === "day-of-week" || unit === "month"
      ? step === 1
        ? `${lo} through ${hi}`
        : `${every} from ${lo} through ${hi}`
      : `${every} from ${lo} through ${hi}`;
  }
  if (slash >= 0) return `${every} from ${show(unit, base)} through ${show(unit, String(MAX[unit]))}`;
  return unit === "day-of-week" || unit === "month" ? show(unit, base) : `${unit} ${show(unit, base)}`;
}

/** "day-of-month 1 and 15" rather than "day-of-month 1 and day-of-month 15". */
function fieldPhrase(unit: Unit, field: string): string {
  const items = field.split(",");
  if (unit !== "day-of-week" && unit !== "month" && items.length > 1 && items.every(isPlain)) {
    return `${unit} ${joinList(items.map((i) => show(unit, i)))}`;
  }
  return joinList(items.map((i) => itemPhrase(unit, i)));
}

function timePhrase(minute: string, hour: string): string {
  const minutes = minute.split(",");
  const hours = hour.split(",");
  if (minutes.every(isPlain) && hours.every(isPlain) && minutes.length * hours.length <= 6) {
    const times: [number, number][] = [];
    for (const h of hours) for (const m of minutes) times.push([Number(h), Number(m)]);
    times.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return `At ${joinList(times.map(([h, m]) => `${pad(h)}:${pad(m)}`))}`;
  }
  let phrase: string;
  const step = /^\*\/(\d+)$/.exec(minute);
  if (minute === "*" || minute === "*/1") phrase = "Every minute";
  else if (step) phrase = `Every ${step[1]} minutes`;
  else if (minutes.every(isPlain)) phrase = minutes.length === 1 ? `At minute ${Number(minute)}` : `At minutes ${joinList(minutes.map((m) => String(Number(m))))}`;
  else phrase = `At ${fieldPhrase("minute", minute)}`;

  if (hour === "*") return phrase;
  if (hours.every(isPlain)) {
    return `${phrase} past ${hours.length === 1 ? "hour" : "hours"} ${joinList(hours.map((h) => String(Number(h))))}`;
  }
  return `${phrase} past ${fieldPhrase("hour", hour)}`;
}

/** Human description of a parsed cron expression. */
export function describeCronSpec(spec: CronSpec): string {
  const [minute, hour, dom, month, dow] = spec.fields as [string, string, string, string, string];
  const out = [timePhrase(minute, hour)];

  const domRestricted = dom !== "*";
  const dowRestricted = dow !== "*";
  if (domRestricted && dowRestricted) {
    const d = fieldPhrase("day-of-month", dom);
    const w = fieldPhrase("day-of-week", dow);
    out.push(spec.dayAnd ? `on ${d} if it is ${w}` : `on ${d} or on ${w}`);
  } else if (domRestricted) {
    out.push(`on ${fieldPhrase("day-of-month", dom)}`);
  } else if (dowRestricted) {
    out.push(`on ${fieldPhrase("day-of-week", dow)}`);
  }
  if (month !== "*") out.push(`in ${fieldPhrase("month", month)}`);
  return out.join(" ");
}

/** Short description of an OnCalendar schedule: each line in normalised form. Throws on a bad schedule. */
export function describeOnCalendar(schedule: string): string {
  return parseOnCalendar(schedule)
    .lines.map((l) => l.normalized)
    .join("; ");
}
