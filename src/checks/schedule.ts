import type { CheckConfig } from "./model";
import { nextFireTime, ScheduleError } from "./schedule/index";

type ScheduleFields = Pick<CheckConfig, "kind" | "timeout" | "schedule" | "tz">;

/**
 * When the next ping is expected after `lastPing` (ms), or null for "never" (no future occurrence).
 * The single entry point the DO, the API and the dashboard share. Cron and OnCalendar fire times
 * are strictly after the last ping, at 1-second resolution, evaluated in the check's time zone.
 */
export function nextExpected(cfg: ScheduleFields, lastPing: number): number | null {
  if (cfg.kind === "simple") return lastPing + cfg.timeout * 1000;
  try {
    return nextFireTime(cfg.kind, cfg.schedule, cfg.tz, new Date(lastPing))?.getTime() ?? null;
  } catch (err) {
    // Schedules are validated on write; a stored one that no longer parses never makes the check late.
    if (err instanceof ScheduleError) return null;
    throw err;
  }
}
