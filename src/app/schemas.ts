// The dashboard API's request shapes, one zod schema each. Pure zod (no Worker code), so the SPA
// imports them to validate its forms with the very rules the server applies.
import { z } from "zod";
import { isValidTimeZone } from "../checks/schedule/index";
import { assignableRole, emailAddress, keyKind, nagPeriod } from "../projects/schemas";

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

/** PATCH /me: the account's display name and time zone (Healthchecks' profile tz: times on pages are shown in it). */
export const accountBody = z
  .object({
    name: z.string({ error: "name must be a string" }).trim().min(1, "name must not be empty").max(100, "name is too long (at most 100 characters)"),
    time_zone: z.string({ error: "time_zone must be a string" }).refine(isValidTimeZone, "time_zone is not a known IANA time zone (e.g. Europe/Riga)"),
  })
  .partial()
  .refine((b) => b.name !== undefined || b.time_zone !== undefined, "give name or time_zone (or both)");

/** POST /projects, PATCH /projects/:id */
export const projectBody = z.object({ name: projectName });

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
