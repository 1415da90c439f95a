// The schedule dialog's preview: the next fire times and the description in words. Pure, so the
// Management API's /schedule-preview, the dashboard API and the browser's dialog all run this code,
// the same engine the check objects' alarms use.
import { describeOnCalendar } from "./describe";
import { describeCron, nextFireTimes, type ScheduleKind } from "./index";

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The next `n` fire times of a valid schedule after `after` (ISO 8601, whole seconds, UTC) and its description. */
export function previewSchedule(kind: ScheduleKind, schedule: string, tz: string, after: Date, n: number) {
  const next = nextFireTimes(kind, schedule, tz, after, n).map(isoSeconds);
  const description = kind === "cron" ? describeCron(schedule) : describeOnCalendar(schedule);
  return { kind, next, description };
}
