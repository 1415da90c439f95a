// Rules about a project's settings that several request shapes share (the admin API, the dashboard
// API and the SPA, which imports them through src/app/schemas.ts). Pure zod: no Worker code.
import { z } from "zod";

/** The keys a project can have: read-write and read-only API keys, and the ping key of slug URLs. */
export const KEY_KINDS = ["api_key", "api_key_readonly", "ping_key"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const keyKind = z.enum(KEY_KINDS, { error: 'kind must be one of "api_key", "api_key_readonly", "ping_key"' });

/** Healthchecks' reminder choices (seconds): off, hourly, daily. */
export const NAG_PERIODS = [0, 3600, 86400] as const;
export type NagPeriod = (typeof NAG_PERIODS)[number];

export const nagPeriod = z.union([z.literal(0), z.literal(3600), z.literal(86400)], {
  error: "nag_period must be 0 (off), 3600 (hourly) or 86400 (daily)",
});

/** Roles an invitation or a role change may give: ownership changes only by transfer. */
export const ASSIGNABLE_ROLES = ["manager", "member", "readonly"] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export const assignableRole = z.enum(ASSIGNABLE_ROLES, {
  error: 'role must be one of "manager", "member", "readonly" (ownership changes only by a transfer)',
});

/** An email address as Healthchecks takes it for invitations: trimmed, lowercased, at most 254 characters. */
export const emailAddress = z
  .string({ error: "email must be a string" })
  .trim()
  .toLowerCase()
  .max(254, "email is too long (at most 254 characters)")
  .pipe(z.email({ error: "email is not a valid email address" }));
