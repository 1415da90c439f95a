// How times and durations read on the pages (Healthchecks' words: "3 minutes ago", "1 day 2 hours").
const UNITS: [string, number][] = [
  ["week", 604_800],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A period or grace time: its two largest non-zero units ("1 day 2 hours", "5 minutes", "2 weeks"). */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(plural(n, unit));
    if (n > 0 && parts.length >= 1) rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? "0 seconds" : parts.join(" ");
}

/** A run's length, short: "850 ms", "4.2 sec", "3 min 5 sec", "2 h 1 min", "1 day 3 h". */
export function formatRunDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${(Math.floor(seconds * 10) / 10).toString()} sec`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} sec`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${plural(Math.floor(s / 86_400), "day")} ${Math.floor((s % 86_400) / 3600)} h`;
}

/** "just now", "3 minutes ago", "in 2 hours": the largest unit, rounded down. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 10) return "just now";
  for (const [unit, size] of UNITS) {
    if (abs >= size) {
      const text = plural(Math.floor(abs / size), unit);
      return diff < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return "just now";
}

// A formatter per zone: making one costs far more than using it (1,000 rows of the list).
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The exact instant in a zone (the browser's by default), e.g. "2 Dec 2026, 14:05:09 UTC". */
export function exactTime(iso: string, timeZone?: string): string {
  let f = formatters.get(timeZone ?? "");
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "long", ...(timeZone ? { timeZone } : {}) });
    formatters.set(timeZone ?? "", f);
  }
  return f.format(new Date(iso));
}
