import type { CheckConfig } from "./model";

type ScheduleFields = Pick<CheckConfig, "kind" | "timeout" | "schedule" | "tz">;

/**
 * When the next ping is expected after `lastPing` (ms), or null for "never" (no future occurrence).
 * The single entry point the DO, the API and the dashboard share; the cron and OnCalendar
 * kinds are computed by the schedule engine.
 */
export function nextExpected(cfg: ScheduleFields, lastPing: number): number | null {
  if (cfg.kind === "simple") return lastPing + cfg.timeout * 1000;
  return null;
}
