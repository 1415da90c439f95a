// The dashboard API's request shapes, one zod schema each. Pure zod (no Worker code), so the SPA
// imports them to validate its forms with the very rules the server applies.
import { z } from "zod";
import { channelCreateSchema, channelUpdateFields } from "../api/channel-spec";
import { CHECK_KINDS, checkSpecSchema, scheduleKindProblem, scheduleText, tzField } from "../api/check-spec";
import { isValidTimeZone } from "../checks/schedule/index";
import { assignableRole, emailAddress, keyKind, nagPeriod } from "../projects/schemas";

export { CHECK_KINDS } from "../api/check-spec";
export { CHANNEL_KINDS, type ChannelKind } from "../alerts/channel-kinds";
export { ASSIGNABLE_ROLES, KEY_KINDS, NAG_PERIODS, type AssignableRole, type KeyKind, type NagPeriod } from "../projects/schemas";

export const projectName = z
  .string({ error: "name must be a string" })
  .trim()
  .min(1, "name must not be empty")
  .max(100, "name is too long (at most 100 characters)");

/**
 * POST /app/api/auth/sign-up/email: the limits we add to the library's own checks (it takes any
 * length), so every account fits the tables and the backups.
 */
export const signUpBody = z.object({
  email: z.string({ error: "email must be a string" }).max(254, "email is too long (at most 254 characters)"),
  name: z.string({ error: "name must be a string" }).trim().max(100, "name is too long (at most 100 characters)"),
  password: z.string({ error: "password must be a string" }).max(128, "password is too long (at most 128 characters)"),
});

export const CHECKS_SORTS = ["created", "name", "-name", "last_ping", "-last_ping"] as const;
export type ChecksSort = (typeof CHECKS_SORTS)[number];

/** PATCH /me: the account's display name and time zone (Healthchecks' profile tz: times on pages are shown in it). */
export const accountBody = z
  .object({
    name: z.string({ error: "name must be a string" }).trim().min(1, "name must not be empty").max(100, "name is too long (at most 100 characters)"),
    time_zone: z.string({ error: "time_zone must be a string" }).refine(isValidTimeZone, "time_zone is not a known IANA time zone (e.g. Europe/Riga)"),
    /** The checks list's order (down checks always come first). */
    checks_sort: z.enum(CHECKS_SORTS, { error: `checks_sort must be one of ${CHECKS_SORTS.join(", ")}` }),
  })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), "give name, time_zone or checks_sort");

/** POST /projects */
export const projectBody = z.object({ name: projectName });

/** PATCH /projects/:id: the name, and whether the checks list shows slug ping URLs. */
export const projectUpdateBody = z
  .object({ name: projectName, show_slugs: z.boolean({ error: "show_slugs must be true or false" }) })
  .partial()
  .refine((b) => b.name !== undefined || b.show_slugs !== undefined, "give name or show_slugs (or both)");


/** POST /projects/:id/invitations */
export const invitationBody = z.object({ email: emailAddress, role: assignableRole });

/** PATCH /projects/:id/members/:userId */
export const memberRoleBody = z.object({ role: assignableRole });

/** POST /projects/:id/transfer */
export const transferBody = z.object({ user_id: z.string({ error: "user_id must be a string" }).min(1, "user_id must not be empty") });

/** PUT /projects/:id/reminders */
export const remindersBody = z.object({ nag_period: nagPeriod });

/** The path of /projects/:id/keys/:kind (the id is checked with the caller's membership). */
export const keyKindParam = z.object({ id: z.string(), kind: keyKind });

// Checks and channels. Each field is checked by the Management API's own rule (src/api/check-spec.ts,
// channel-spec.ts), so the same bad input gets the same message from both APIs.

const spec = checkSpecSchema.shape;

/** What the dashboard's check forms may set: the name dialog, the schedule dialog, the filtering rules. */
const checkFields = z.object({
  name: spec.name,
  slug: spec.slug,
  tags: spec.tags,
  desc: spec.desc,
  /** Named by the schedule dialog's tab; without it the API's rule holds (schedule wins over timeout). */
  kind: z.enum(CHECK_KINDS, { error: "kind has unexpected value" }).optional(),
  timeout: spec.timeout,
  grace: spec.grace,
  schedule: spec.schedule,
  tz: spec.tz,
  methods: spec.methods,
  start_kw: spec.start_kw,
  success_kw: spec.success_kw,
  failure_kw: spec.failure_kw,
  filter_subject: spec.filter_subject,
  filter_body: spec.filter_body,
  filter_http_body: spec.filter_http_body,
  filter_default_fail: spec.filter_default_fail,
  manual_resume: spec.manual_resume,
});

/**
 * The named kind decides which of timeout and schedule counts (the other is ignored, as in
 * Healthchecks' tabs): "simple" needs a timeout, "cron" and "oncalendar" a schedule read as that kind.
 * The output is the Management API's spec (kind follows from it).
 */
function byKind<T extends z.output<typeof checkFields>>({ kind, ...rest }: T, ctx: z.RefinementCtx): Omit<T, "kind"> {
  if (kind === undefined) return rest;
  if (kind === "simple") {
    if (rest.timeout === undefined) ctx.addIssue({ code: "custom", message: "timeout is required when kind is simple" });
    return { ...rest, schedule: undefined };
  }
  if (rest.schedule === undefined) {
    ctx.addIssue({ code: "custom", message: `schedule is required when kind is ${kind}` });
  } else {
    const problem = scheduleKindProblem(kind, rest.schedule);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem.error });
  }
  return { ...rest, timeout: undefined };
}

/**
 * POST /projects/:id/checks. `channels` as in the Management API ("*", "", or comma-separated ids
 * or names of the project's channels); without it the new check gets all of them, as in Healthchecks' UI.
 */
export const checkCreateBody = checkFields.extend({ channels: spec.channels }).transform(byKind);

/** PATCH /projects/:id/checks/:uuid: only the fields given change. */
export const checkUpdateBody = checkFields.transform(byKind);

/** PUT /projects/:id/checks/:uuid/channels/:channelId */
export const channelSwitchBody = z.object({ on: z.boolean({ error: "on must be true or false" }) });

/** POST /projects/:id/channels: the Management API's channel create shape. */
export const channelCreateBody = channelCreateSchema;

/** PATCH /projects/:id/channels/:channelId: the value is then checked for the channel's kind. */
export const channelUpdateBody = channelUpdateFields;

/** POST /schedule-preview: the schedule dialog's expression, read as `kind` (guessed when absent). */
export const schedulePreviewBody = z.object({
  kind: z.enum(["cron", "oncalendar"], { error: "kind has unexpected value" }).optional(),
  schedule: scheduleText,
  tz: tzField.default("UTC"),
  n: z
    .number({ error: "n must be an integer from 1 to 50" })
    .int("n must be an integer from 1 to 50")
    .min(1, "n must be an integer from 1 to 50")
    .max(50, "n must be an integer from 1 to 50")
    .default(6),
});

/** The path of /projects/:id/checks/:uuid/pings/:n (project and check are checked with the caller's membership). */
export const pingParam = z.object({ id: z.string(), uuid: z.string(), n: z.string().regex(/^\d{1,9}$/, "n must be a ping number").transform(Number) });

/** The event log's types: the kinds of ping, status changes ("flip") and alert deliveries ("alert"). */
export const EVENT_TYPES = ["success", "fail", "start", "log", "ign", "flip", "alert"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** GET /projects/:id/checks/:uuid/events */
export const eventsQuery = z.object({
  /** Only events before this instant (exclusive): the previous page's `next`. */
  before: z.iso
    .datetime({ offset: true, error: "before must be an ISO 8601 instant, e.g. 2026-01-01T00:00:00.000Z" })
    .transform((s) => Date.parse(s))
    .optional(),
  /** Comma-separated; all types when absent. */
  types: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return new Set<EventType>(EVENT_TYPES);
      const types = s.split(",").filter((t) => t !== "");
      const unknown = types.find((t) => !(EVENT_TYPES as readonly string[]).includes(t));
      if (unknown !== undefined) ctx.addIssue({ code: "custom", message: `types has unexpected value ${JSON.stringify(unknown)} (one of ${EVENT_TYPES.join(", ")})` });
      return new Set(types as EventType[]);
    }),
  limit: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? 50 : /^\d{1,4}$/.test(s) ? Number(s) : NaN))
    .refine((n) => n >= 1 && n <= 1000, "limit must be an integer from 1 to 1000"),
});
