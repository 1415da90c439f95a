// The details page's words and numbers, without React: the status sentence, the monthly downtime
// rows, the 90-day bar's days, links in a description, and a slug suggested from a name.
import { dailyDowntime, type DownPeriod } from "../../../src/checks/downtime";
import { formatDuration, relativeTime } from "../format";

export interface StatusFields {
  status: string;
  started: boolean;
  last_ping: string | null;
  manual_resume: boolean;
}

/**
 * What the check is doing, in two parts: `state` (announced when it changes) and `detail` (the
 * clock-driven rest: "Last ping was 3 minutes ago."). `startedAt`: the run's start ping, when known.
 */
export function statusSentence(c: StatusFields, now: number, startedAt?: string): { state: string; detail: string } {
  const lastPing = c.last_ping === null ? "It has never received a ping." : `Last ping was ${relativeTime(c.last_ping, now)}.`;
  const running = c.started ? (startedAt === undefined ? " Currently running." : ` Currently running, started ${relativeTime(startedAt, now)}.`) : "";
  switch (c.status) {
    case "paused":
      return {
        state: c.manual_resume ? "This check is paused, and ignores pings until it is resumed." : "This check is paused; its next ping resumes it.",
        detail: c.last_ping === null ? "" : lastPing,
      };
    case "new":
      return { state: "This check has never received a ping.", detail: running.trim() };
    case "up":
      return { state: "This check is up.", detail: lastPing + running };
    case "grace":
      return { state: "This check is late.", detail: lastPing + running };
    case "down":
      return { state: "This check is down.", detail: lastPing + running };
    default:
      return { state: `This check is ${c.status}.`, detail: lastPing + running };
  }
}

/** How long a check was down: "under a minute", else its two largest units ("2 hours 5 minutes"). */
export const downFor = (seconds: number): string => (seconds < 60 ? "under a minute" : formatDuration(seconds));

export interface DowntimeFields {
  month: string;
  count: number;
  duration: number;
  uptime_pct: number;
  no_data: boolean;
}

/** A month of the downtime table: "November 2026", "All good!" or "2 downtimes, 1 hour 5 minutes", "99.84%". */
export function downtimeRow(m: DowntimeFields): { month: string; downtime: string; uptime: string } {
  const [y, mo] = m.month.split("-").map(Number);
  const month = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y!, mo! - 1, 1));
  if (m.no_data) return { month, downtime: "No data", uptime: "—" };
  if (m.count === 0) return { month, downtime: "All good!", uptime: "100%" };
  // Rounded down, so a month with any downtime never reads 100%.
  const uptime = `${(Math.floor(m.uptime_pct * 100) / 100).toFixed(2)}%`;
  return { month, downtime: `${m.count} ${m.count === 1 ? "downtime" : "downtimes"}, ${downFor(m.duration)} total`, uptime };
}

export type DayState = "up" | "partial" | "down" | "none";

export interface Day {
  day: string;
  state: DayState;
  downMs: number;
}

/**
 * The last `days` days in the check's zone, oldest first: "none" before the check existed, "down"
 * for a day down more than half of the time it was watched, "partial" for any downtime less than that.
 */
export function dayStates(periods: readonly [string, string | null][], o: { now: number; days: number; tz: string; created: string }): Day[] {
  const ms: DownPeriod[] = periods.map(([a, b]) => [Date.parse(a), b === null ? null : Date.parse(b)]);
  const created = Date.parse(o.created);
  const days = dailyDowntime(ms, { now: o.now, days: o.days, tz: o.tz });
  return days.map((d, i) => {
    const end = Math.min(days[i + 1]?.start ?? o.now, o.now);
    if (end <= created) return { day: d.day, state: "none", downMs: 0 };
    const watched = end - Math.max(d.start, created);
    const state: DayState = d.down_ms === 0 ? "up" : d.down_ms * 2 > watched ? "down" : "partial";
    return { day: d.day, state, downMs: d.down_ms };
  });
}

/** The bar's summary: "90 days: no downtime." or "90 days: 3 days with downtime, the longest 2 hours on 2026-11-03." */
export function daysSummary(days: readonly Day[]): string {
  const bad = days.filter((d) => d.downMs > 0);
  const head = `${days.length} days`;
  if (bad.length === 0) return `${head}: no downtime.`;
  const worst = bad.reduce((a, b) => (b.downMs > a.downMs ? b : a));
  const n = bad.length === 1 ? "1 day" : `${bad.length} days`;
  return `${head}: ${n} with downtime, the longest ${downFor(worst.downMs / 1000)} on ${worst.day}.`;
}

/** A description's text cut into plain runs and web links (http and https only; trailing punctuation stays text). */
export function linkParts(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  let at = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"]+/gi)) {
    const url = m[0].replace(/[.,;:!?'")\]]+$/, "");
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    parts.push({ text: url, href: url });
    at = m.index + url.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

