// better-auth's options that shape the database (plugins, id format), shared by the Worker
// (src/auth/auth.ts) and by the schema generator's config (scripts/auth.config.ts), so the generated
// tables in src/db/auth-schema.ts always match what the Worker runs.
import type { BetterAuthOptions } from "better-auth/minimal";
import { organization } from "better-auth/plugins/organization";
import { ac, roles } from "./roles";

/** The organization plugin's own create/update/delete: a project is more than an organization row, so
 * src/projects writes the project, organization and owner membership in one D1 batch instead. */
export const DISABLED_PATHS = ["/organization/create", "/organization/update", "/organization/delete"];

export function authPlugins() {
  return [
    organization({
      ac,
      roles,
      creatorRole: "owner",
      // Invitations (next session) expire after 7 days, as issue 11 asks.
      invitationExpiresIn: 7 * 24 * 3600,
    }),
  ];
}

export const sharedOptions = {
  appName: "edgechecks",
  basePath: "/app/api/auth",
  advanced: {
    // Organization ids are project ids, and project ids are UUIDs everywhere else.
    database: { generateId: "uuid" },
  },
  disabledPaths: DISABLED_PATHS,
  user: {
    // Healthchecks' per-user time zone (Profile.tz); account settings will let users change it.
    additionalFields: { timeZone: { type: "string", required: false, defaultValue: "UTC", input: false } },
  },
} satisfies Partial<BetterAuthOptions>;
