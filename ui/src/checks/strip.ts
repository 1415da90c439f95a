// A check's last 30 days as a strip of day cells coloured by that day's downtime (in the check's
// time zone), with its words for screen readers and the tooltip. Cheap for a thousand checks: the
// days of a zone are computed once per zone, and only a check with down periods is walked day by day.
import { dailyDowntime, type DayDowntime, type DownPeriod } from "@src/checks/downtime";
import { formatRunDuration } from "../format";

const STRIP_DAYS = 30;

/** A day: before the check existed, no downtime, under an hour down, an hour or more down. */
export type DayLevel = "none" | "ok" | "some" | "much";

interface Strip {
  levels: DayLevel[];
  /** "30 days: 2 days with downtime" */
  label: string;
  /** Each day with downtime and how long ("3 Dec: 1 h 5 min down"), one a line. */
  detail: string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HOUR = 3_600_000;

const dayWords = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`;

/** The zone's last days (with no downtime) at `now`: computed once per zone and instant. */
export class DayFrames {
  private readonly frames = new Map<string, DayDowntime[]>();
  constructor(readonly now: number) {}
  of(tz: string): DayDowntime[] {
    let days = this.frames.get(tz);
    if (days === undefined) this.frames.set(tz, (days = dailyDowntime([], { now: this.now, days: STRIP_DAYS, tz })));
    return days;
  }
}

/** Down periods as the list sends them (ISO instants, the end null while it lasts), in ms. */
const periodsOf = (pairs: readonly (readonly [string, string | null])[]): DownPeriod[] =>
  pairs.map(([a, b]) => [Date.parse(a), b === null ? null : Date.parse(b)]);

export function downtimeStrip(
  check: { status: string; created: string; tz: string; down_periods: readonly (readonly [string, string | null])[] },
  frames: DayFrames,
): Strip {
  // A check never pinged has no days to show yet; one made this month none before its creation.
  const created = check.status === "new" ? Infinity : Date.parse(check.created);
  const days = check.down_periods.length === 0 ? frames.of(check.tz) : dailyDowntime(periodsOf(check.down_periods), { now: frames.now, days: STRIP_DAYS, tz: check.tz });
  const levels: DayLevel[] = [];
  const downDays: string[] = [];
  let known = 0;
  days.forEach((d, i) => {
    const end = days[i + 1]?.start ?? frames.now;
    if (end <= created) return levels.push("none");
    known += 1;
    if (d.down_ms === 0) return levels.push("ok");
    downDays.push(`${dayWords(d.day)}: ${formatRunDuration(d.down_ms / 1000)} down`);
    return levels.push(d.down_ms < HOUR ? "some" : "much");
  });
  const label =
    known === 0
      ? `${STRIP_DAYS} days: no data yet`
      : downDays.length === 0
        ? `${STRIP_DAYS} days: no downtime`
        : `${STRIP_DAYS} days: ${downDays.length} ${downDays.length === 1 ? "day" : "days"} with downtime`;
  return { levels, label, detail: downDays.join("\n") };
}
