// Downtime per calendar month (Healthchecks' Check.downtimes): how many times a check was down, for
// how long, and its uptime, for the current month and the ones before it, with months in a time
// zone. Pure: computed from the flips, the stored status and the time.
import { fieldsOfWall, getZone, wallFromFields } from "./schedule/tz";

export interface DowntimeMonth {
  /** "YYYY-MM" in the zone. */
  month: string;
  /** The month's first instant (local midnight of the 1st), ISO 8601 UTC. */
  start: string;
  /** Down periods in the month; one that spans a month boundary counts in each month it touches. */
  count: number;
  /** Seconds down in the month (whole seconds, rounded down). */
  duration: number;
  /** (month length − downtime) / month length × 100; the month's whole length, also for the current one. */
  uptime_pct: number;
  /** The check did not exist yet during this month (it was created after the month ended). */
  no_data: boolean;
}

export interface DowntimeInput {
  /** The check's flips, in any order; only created and old_status matter. */
  flips: readonly { created: number; old_status: string }[];
  /** The stored status now (Healthchecks uses `check.status`, not the computed one); only "down" matters. */
  status: string;
  now: number;
  tz: string;
  /** When the check was created (ms). */
  created: number;
  months?: number;
}

/** Local midnight of the 1st of (year, month) in the zone, in ms (Python's datetime(y, m, 1, tzinfo=tz)). */
function monthStart(tz: string, year: number, month: number): number {
  return getZone(tz).toInstant(wallFromFields(year, month, 1), 0) * 1000;
}

const previous = (y: number, m: number): [number, number] => (m === 1 ? [y - 1, 12] : [y, m - 1]);
const following = (y: number, m: number): [number, number] => (m === 12 ? [y + 1, 1] : [y, m + 1]);

/** Newest first: the current month in `tz` and the `months − 1` before it. */
export function downtimeSummary(input: DowntimeInput): DowntimeMonth[] {
  const { tz, now } = input;
  const { year, month } = fieldsOfWall(getZone(tz).toWall(Math.floor(now / 1000)).wall);
  const records: { year: number; month: number; start: number; end: number; ms: number; count: number; no_data: boolean }[] = [];
  let ym: [number, number] = [year, month];
  for (let i = 0; i < (input.months ?? 3); i++) {
    const [y, m] = ym;
    const start = monthStart(tz, y, m);
    const end = monthStart(tz, ...following(y, m));
    // Created after the start of the following month: the check did not exist in this one.
    const no_data = i > 0 && input.created > records[i - 1]!.start;
    records.push({ year: y, month: m, start, end, ms: 0, count: 0, no_data });
    ym = previous(y, m);
  }
  const oldest = records.at(-1)!.start;
  // Walk back from now through the flips and the month starts; the status before a flip is its old_status.
  const events: [number, string | null][] = [
    ...records.map((r): [number, string | null] => [r.start, null]),
    ...input.flips.filter((f) => f.created > oldest).map((f): [number, string | null] => [f.created, f.old_status]),
  ];
  events.sort((a, b) => b[0] - a[0] || (a[1] === null ? 1 : 0) - (b[1] === null ? 1 : 0));
  let t = now;
  let status: string = input.status;
  for (const [at, oldStatus] of events) {
    if (status === "down") {
      const record = records.find((r) => at >= r.start);
      if (record !== undefined) {
        record.ms += t - at;
        record.count += 1;
      }
    }
    t = at;
    if (oldStatus !== null) status = oldStatus;
  }
  return records.map((r) => {
    const length = r.end - r.start;
    return {
      month: `${r.year}-${String(r.month).padStart(2, "0")}`,
      start: new Date(r.start).toISOString(),
      count: r.count,
      duration: Math.floor(r.ms / 1000),
      uptime_pct: ((length - r.ms) / length) * 100,
      no_data: r.no_data,
    };
  });
}

/** A down period: [start, end] in ms, end null while it lasts. */
export type DownPeriod = [number, number | null];

/** Down periods overlapping [since, now], oldest first, from the flips and the stored status. */
export function downPeriods(input: { flips: readonly { created: number; old_status: string; new_status: string }[]; status: string; now: number; since: number }): DownPeriod[] {
  const flips = [...input.flips].sort((a, b) => a.created - b.created);
  const periods: DownPeriod[] = [];
  // Before the first flip the check was in its first flip's old status.
  let start: number | null = flips[0]?.old_status === "down" ? -Infinity : null;
  for (const f of flips) {
    if (f.new_status === "down" && start === null) start = f.created;
    else if (f.new_status !== "down" && start !== null) {
      if (f.created > input.since) periods.push([Math.max(start, input.since), f.created]);
      start = null;
    }
  }
  if (flips.length === 0 && input.status === "down") start = -Infinity;
  if (start !== null) periods.push([Math.max(start, input.since), null]);
  return periods;
}

export interface DayDowntime {
  /** "YYYY-MM-DD" in the zone. */
  day: string;
  /** The day's first instant (local midnight), ms. */
  start: number;
  /** Milliseconds down within the day (up to now for today). */
  down_ms: number;
}

/** The last `days` calendar days in `tz` (oldest first, today last) with their downtime from `periods`. */
export function dailyDowntime(periods: readonly DownPeriod[], o: { now: number; days: number; tz: string }): DayDowntime[] {
  const zone = getZone(o.tz);
  const today = fieldsOfWall(zone.toWall(Math.floor(o.now / 1000)).wall);
  // Walk back day by day from local midnight today (wallFromFields normalises day 0 and below).
  const out: DayDowntime[] = [];
  for (let i = o.days - 1; i >= 0; i--) {
    const start = zone.toInstant(wallFromFields(today.year, today.month, today.day - i), 0) * 1000;
    const next = zone.toInstant(wallFromFields(today.year, today.month, today.day - i + 1), 0) * 1000;
    const end = Math.min(next, o.now);
    let down = 0;
    for (const [a, b] of periods) down += Math.max(0, Math.min(b ?? o.now, end) - Math.max(a, start));
    const f = fieldsOfWall(zone.toWall(Math.floor(start / 1000)).wall);
    out.push({ day: `${f.year}-${String(f.month).padStart(2, "0")}-${String(f.day).padStart(2, "0")}`, start, down_ms: down });
  }
  return out;
}
