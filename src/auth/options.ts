// better-auth's options that shape the database (plugins, id format), shared by the Worker
// (src/auth/auth.ts) and by the schema generator's config (scripts/auth.config.ts), so the generated
// tables in src/db/auth-schema.ts always match what the Worker runs.
import type { BetterAuthOptions } from "better-auth/minimal";
import { magicLink, type MagicLinkOptions } from "better-auth/plugins/magic-link";
import { organization } from "better-auth/plugins/organization";
import { twoFactor } from "better-auth/plugins/two-factor";
import { ac, roles } from "./roles";

/** How long a magic sign-in link works (seconds): long enough to reach a mailbox, one use only. */
export const MAGIC_LINK_TTL_SECONDS = 15 * 60;

export interface PluginHooks {
  sendMagicLink: MagicLinkOptions["sendMagicLink"];
  /** Whether a magic link may create an account for an unknown address (REGISTRATION_OPEN). */
  registrationOpen: boolean;
}

const schemaOnly: PluginHooks = {
  sendMagicLink: () => {
    throw new Error("schema generation only");
  },
  registrationOpen: false,
};

export function authPlugins(hooks: PluginHooks = schemaOnly) {
  return [
    organization({
      ac,
      roles,
      creatorRole: "owner",
      invitationExpiresIn: 7 * 24 * 3600,
    }),
    magicLink({
      sendMagicLink: hooks.sendMagicLink,
      expiresIn: MAGIC_LINK_TTL_SECONDS,
      disableSignUp: !hooks.registrationOpen,
      // The database holds only a hash: a leaked backup cannot sign anyone in.
      storeToken: "hashed",
    }),
    twoFactor({
      issuer: "edgechecks",
      // Healthchecks asks for a code at once to prove the authenticator works before 2FA counts.
      skipVerificationOnEnable: false,
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
  user: {
    // Healthchecks' per-user time zone (Profile.tz); account settings will let users change it.
    additionalFields: {
      timeZone: { type: "string", required: false, defaultValue: "UTC", input: false },
      checksSort: { type: "string", required: false, defaultValue: "created", input: false },
    },
  },
} satisfies Partial<BetterAuthOptions>;
