// The request shape of check create/update (Healthchecks' Spec): strict types, its bounds and its
// exact messages. Only the first problem is reported, as "json validation error: <field> <message>".
import { z } from "zod";
import { guessKind, validateSchedule, type ScheduleKind } from "../checks/schedule/index";
import { API_TIMEZONES, LEGACY_TIMEZONES } from "./timezones";

const str = (field: string, max?: number) => {
  const s = z.string({ error: `${field} is not a string` });
  return max === undefined ? s : s.max(max, `${field} is too long`);
};
const bool = (field: string) => z.boolean({ error: `${field} is not a boolean` });
// Python's bool is an int, so Healthchecks reads `true` as 1 ("too small"); JSON numbers with a
// fraction are "not a number".
const seconds = (field: string) =>
  z.preprocess(
    (v) => (typeof v === "boolean" ? Number(v) : v),
    z
      .number({ error: `${field} is not a number` })
      .int(`${field} is not a number`)
      .min(60, `${field} is too small`)
      .max(31_536_000, `${field} is too large`),
  );

/** A schedule's text, before it is checked as an expression. */
export const scheduleText = str("schedule", 100);

// Legacy names are stored as their canonical zone (Europe/Kiev → Europe/Kyiv), as Healthchecks does.
export const tzField = str("tz", 36)
  .transform((tz) => LEGACY_TIMEZONES[tz] ?? tz)
  .refine((tz) => API_TIMEZONES.has(tz), "tz is not a valid timezone");

export const UNIQUE_FIELDS = ["name", "slug", "tags", "timeout", "grace"] as const;

export const checkSpecSchema = z
  .object({
    name: str("name", 100),
    slug: str("slug", 100).regex(/^[a-z0-9_-]*$/, "slug does not match pattern"),
    tags: str("tags", 500),
    desc: str("desc", 10_000),
    timeout: seconds("timeout"),
    grace: seconds("grace"),
    schedule: scheduleText.refine(
      (s) => validateSchedule(guessKind(s), s).ok,
      "schedule is not a valid cron or OnCalendar expression",
    ),
    tz: tzField,
    manual_resume: bool("manual_resume"),
    methods: z.enum(["", "POST"], { error: "methods has unexpected value" }),
    channels: str("channels", 10_000),
    start_kw: str("start_kw", 200),
    success_kw: str("success_kw", 200),
    failure_kw: str("failure_kw", 200),
    subject: str("subject", 200),
    subject_fail: str("subject_fail", 200),
    filter_subject: bool("filter_subject"),
    filter_body: bool("filter_body"),
    filter_http_body: bool("filter_http_body"),
    filter_default_fail: bool("filter_default_fail"),
    unique: z.array(z.enum(UNIQUE_FIELDS, { error: "an item in 'unique' has unexpected value" }), {
      error: "unique is not an array",
    }),
  })
  .partial();

export type CheckSpec = z.output<typeof checkSpecSchema>;

/** The kinds of check: a period (simple), or a schedule whose kind is its expression's. */
export const CHECK_KINDS = ["simple", "cron", "oncalendar"] as const;

/**
 * Why `schedule` cannot be used as a schedule of `kind`, or null. Where the kind is named (the
 * dashboard, its previews) it must also be the kind the expression is read as everywhere else: one
 * line of 5 fields is cron, anything else OnCalendar. `detail` is the library's message.
 */
export function scheduleKindProblem(kind: ScheduleKind, schedule: string): { error: string; detail: string } | null {
  const error = `schedule is not a valid ${kind === "cron" ? "cron" : "OnCalendar"} expression`;
  const v = validateSchedule(kind, schedule);
  if (!v.ok) return { error, detail: v.error === "StopIteration" ? "no occurrence after 2000-01-01" : v.error };
  if (guessKind(schedule) !== kind) {
    return { error, detail: kind === "cron" ? "a cron expression is one line of 5 fields" : "one line of 5 fields is a cron expression" };
  }
  return null;
}
