// The schedule dialog's value and rules, without React: the period and grace sliders' log scale and
// their number + unit form, the validation (the server's own rules and messages), the zone choices
// and the preview. The engine is the Worker's (the alarms run the same code). Relative imports, not
// `@src`: the unit tests import this file and know no alias.
import { scheduleKindProblem, scheduleText, tzField } from "../../../src/api/check-spec";
import { API_TIMEZONES } from "../../../src/api/timezones";
import { previewSchedule } from "../../../src/checks/schedule/preview";

export interface ScheduleValue {
  kind: "simple" | "cron" | "oncalendar";
  /** Simple: seconds between pings. */
  timeout: number;
  /** Seconds after a missed ping before the check is down. */
  grace: number;
  /** Cron or OnCalendar: the expression. */
  schedule: string;
  tz: string;
}

export const DEFAULT_SCHEDULE: ScheduleValue = { kind: "simple", timeout: 86400, grace: 3600, schedule: "* * * * *", tz: "UTC" };

/** What each tab starts with when the value holds an expression of the other kind. */
export const DEFAULT_EXPRESSION = { cron: "* * * * *", oncalendar: "*-*-* *:*:*" } as const;

/** The server's bounds of timeout and grace (1 minute … 365 days). */
export const MIN_SECONDS = 60;
export const MAX_SECONDS = 31_536_000;

// The sliders: equal lengths of track between 1 minute, 1 hour, 1 day, 7 days, 30 days and 365 days,
// logarithmic within each, so short periods get as much room as long ones.
const ANCHORS = [60, 3600, 86_400, 604_800, 2_592_000, 31_536_000] as const;
export const SLIDER_MAX = 1000;
const SEGMENT = SLIDER_MAX / (ANCHORS.length - 1);

/** The anchors as slider positions, with short labels for under the track. */
export const SLIDER_MARKS = ANCHORS.map((seconds, i) => ({
  position: i * SEGMENT,
  seconds,
  label: ["1 min", "1 h", "1 d", "7 d", "30 d", "1 yr"][i]!,
}));

/** A slider value in round units: whole minutes under an hour, whole hours under a day, whole days above. */
function roundForSlider(seconds: number): number {
  const step = seconds < 3600 ? 60 : seconds < 86_400 ? 3600 : 86_400;
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.round(seconds / step) * step));
}

/** The seconds at a slider position (clamped to the track), rounded as roundForSlider says. */
export function sliderToSeconds(position: number): number {
  const p = Math.min(SLIDER_MAX, Math.max(0, position));
  const i = Math.min(ANCHORS.length - 2, Math.floor(p / SEGMENT));
  const [lo, hi] = [ANCHORS[i]!, ANCHORS[i + 1]!];
  return roundForSlider(lo * (hi / lo) ** ((p - i * SEGMENT) / SEGMENT));
}

/** Where on the track a value sits (the inverse of sliderToSeconds; values off the track sit at its ends). */
export function secondsToSlider(seconds: number): number {
  if (!(seconds > ANCHORS[0])) return 0;
  if (seconds >= ANCHORS.at(-1)!) return SLIDER_MAX;
  const i = ANCHORS.findIndex((_, k) => seconds < ANCHORS[k + 1]!);
  const [lo, hi] = [ANCHORS[i]!, ANCHORS[i + 1]!];
  return i * SEGMENT + (SEGMENT * Math.log(seconds / lo)) / Math.log(hi / lo);
}

export const UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
export type Unit = keyof typeof UNITS;

/** A duration as a number and the largest unit it is a whole number of (minutes when none). */
export function splitSeconds(seconds: number): { amount: number; unit: Unit } {
  const unit: Unit = seconds % UNITS.days === 0 ? "days" : seconds % UNITS.hours === 0 ? "hours" : "minutes";
  return { amount: seconds / UNITS[unit], unit };
}

/** The whole seconds of a number of units (NaN when the number is not one). */
export function joinSeconds(amount: number, unit: Unit): number {
  return Number.isFinite(amount) ? Math.round(amount * UNITS[unit]) : NaN;
}

export type ScheduleField = "timeout" | "grace" | "schedule" | "tz";

function durationProblem(seconds: number, what: string): string | null {
  if (!Number.isFinite(seconds)) return `Enter the ${what} as a number.`;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) return `The ${what} must be from 1 minute to 365 days.`;
  return null;
}

type Expression = Pick<ScheduleValue, "kind" | "schedule" | "tz">;

/** The expression's and the zone's problems, by the server's own rules and in its words (with the library's detail). */
function expressionProblems(v: Expression): Partial<Record<"schedule" | "tz", string>> {
  if (v.kind === "simple") return {};
  const out: Partial<Record<"schedule" | "tz", string>> = {};
  const text = scheduleText.safeParse(v.schedule);
  const problem = text.success ? scheduleKindProblem(v.kind, v.schedule) : null;
  if (!text.success) out.schedule = text.error.issues[0]!.message;
  else if (problem !== null) out.schedule = `${problem.error}: ${problem.detail}`;
  const tz = tzField.safeParse(v.tz);
  if (!tz.success) out.tz = tz.error.issues[0]!.message;
  return out;
}

/** What is wrong with each field the value's kind uses. */
export function scheduleProblems(v: ScheduleValue): Partial<Record<ScheduleField, string>> {
  const out: Partial<Record<ScheduleField, string>> = expressionProblems(v);
  if (v.kind === "simple") {
    const timeout = durationProblem(v.timeout, "period");
    if (timeout !== null) out.timeout = timeout;
  }
  const grace = durationProblem(v.grace, "grace time");
  if (grace !== null) out.grace = grace;
  return out;
}

/** null when valid, else the message to show (the first field's, in the order the tab shows them). */
export function scheduleProblem(v: ScheduleValue): string | null {
  const problems = scheduleProblems(v);
  const order: ScheduleField[] = v.kind === "simple" ? ["timeout", "grace"] : ["schedule", "tz", "grace"];
  for (const field of order) if (problems[field] !== undefined) return problems[field];
  return null;
}

let allZones: string[] | undefined;

/**
 * The zone picker's choices: `preferred` (those the server takes) first, then every zone both this
 * browser and the server know, legacy names as the canonical zone the server stores.
 */
export function zoneChoices(preferred: readonly string[]): { preferred: string[]; all: string[] } {
  allZones ??= [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"].map(canonicalZone).filter((z): z is string => z !== null))].sort();
  const first = [...new Set(preferred.map(canonicalZone).filter((z): z is string => z !== null))];
  return { preferred: first, all: allZones };
}

function canonicalZone(name: string): string | null {
  const parsed = tzField.safeParse(name);
  return parsed.success && API_TIMEZONES.has(parsed.data) ? parsed.data : null;
}

/** How many fire times the preview lists (OnCalendar's search is slower, as in Healthchecks). */
export const PREVIEW_COUNT = { cron: 6, oncalendar: 4 } as const;

/**
 * The description and next fire times (ISO) of a valid cron or OnCalendar value, as the check's alarms
 * would compute them; null for a simple value, an invalid one, or a zone this browser does not know.
 */
export function schedulePreview(v: Expression, now: Date): { description: string; next: string[] } | null {
  if (v.kind === "simple") return null;
  const problems = expressionProblems(v);
  if (problems.schedule !== undefined || problems.tz !== undefined) return null;
  try {
    const { description, next } = previewSchedule(v.kind, v.schedule, v.tz, now, PREVIEW_COUNT[v.kind]);
    return { description, next };
  } catch {
    return null;
  }
}

/** The value of a check's schedule fields. */
export const scheduleOf = (check: ScheduleValue): ScheduleValue => ({
  kind: check.kind,
  timeout: check.timeout,
  grace: check.grace,
  schedule: check.schedule,
  tz: check.tz,
});

/** What PATCH or create takes for the value: the fields its kind uses, and the kind that decides. */
export function scheduleBody(v: ScheduleValue) {
  return v.kind === "simple"
    ? { kind: v.kind, timeout: v.timeout, grace: v.grace }
    : { kind: v.kind, schedule: v.schedule, tz: v.tz, grace: v.grace };
}

/** The zones of a project's cron and OnCalendar checks, most used first (ties by name), then `also` (a check's own). */
export function zonesByUse(checks: readonly { kind: string; tz: string }[], also?: string): string[] {
  const counts = new Map<string, number>();
  for (const c of checks) if (c.kind !== "simple") counts.set(c.tz, (counts.get(c.tz) ?? 0) + 1);
  const used = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([tz]) => tz);
  return also === undefined || used.includes(also) ? used : [...used, also];
}
