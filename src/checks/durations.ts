// Run durations of success/fail pings, over a log ordered newest first.
import type { PingRecord } from "./model";

/** Healthchecks ignores start→completion gaps longer than this. */
export const MAX_DURATION_MS = 72 * 3600 * 1000;

export function durations(newestFirst: PingRecord[]): PingRecord[] {
  return newestFirst.map((ping, i) => {
    if ((ping.kind !== "success" && ping.kind !== "fail") || ping.n === 1) return ping;
    for (const earlier of newestFirst.slice(i + 1)) {
      if (earlier.created < ping.created - MAX_DURATION_MS) break;
      if (earlier.rid !== ping.rid) continue;
      if (earlier.kind === "start") return { ...ping, duration: ping.created - earlier.created };
      if (earlier.kind === "success" || earlier.kind === "fail") break;
    }
    return ping;
  });
}
