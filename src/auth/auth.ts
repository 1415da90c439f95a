// better-auth for the Worker: one instance per (env, base URL), over D1 through drizzle.
import { drizzleAdapter } from "@better-auth/drizzle-adapter";
import { APIError } from "better-auth/api";
import { betterAuth } from "better-auth/minimal";
import { drizzle } from "drizzle-orm/d1";
import { config, isLoopbackHostname } from "../config";
import * as authSchema from "../db/auth-schema";
import { assertDeletable, deleteOwnedProjects } from "../projects/accounts";
import { disconnect } from "../projects/live";
import { createDefaultProject, listMemberProjects } from "../projects/membership";
import { deliverAccountMail, MailNotSentError, magicLinkMail, newAddressMail, resetPasswordMail } from "./mail";
import { authPlugins, sharedOptions } from "./options";
import { hashPassword, verifyPassword } from "./password";

/** REGISTRATION_OPEN (default true): whether strangers may make accounts (by password or by link). */
export const registrationOpen = (env: Env): boolean => (env.REGISTRATION_OPEN ?? "true").trim().toLowerCase() !== "false";

/** The base URL: SITE_ROOT, else the origin the request reached. */
export function authBaseUrl(env: Env, request: Request): string {
  return config(env, new URL(request.url).origin).siteRoot;
}

/** Cookies are Secure everywhere except plain http on loopback (`npm start`, tests). */
export function secureCookies(baseUrl: string): boolean {
  const url = new URL(baseUrl);
  return !(url.protocol === "http:" && isLoopbackHostname(url.hostname));
}

/** Between an account deletion's two hooks: the projects it was a member of (their dashboards to close). */
const leaving = new Map<string, string[]>();

function createAuth(env: Env, baseURL: string) {
  const origin = new URL(baseURL).origin;
  const siteRoot = config(env, origin).siteRoot;
  // A link that could not be mailed is the caller's error, in the library's error format.
  const mail = async (m: Parameters<typeof deliverAccountMail>[2]) => {
    try {
      await deliverAccountMail(env, siteRoot, m);
    } catch (err) {
      if (err instanceof MailNotSentError) throw new APIError("SERVICE_UNAVAILABLE", { message: err.message });
      throw err;
    }
  };
  return betterAuth({
    ...sharedOptions,
    baseURL,
    secret: config(env, origin).secretKey,
    // Origin checks (the library's CSRF defence on its POST routes) accept only the site itself.
    trustedOrigins: [origin],
    database: drizzleAdapter(drizzle(env.DB, { schema: authSchema }), { provider: "sqlite", schema: authSchema }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      password: { hash: hashPassword, verify: verifyPassword },
      resetPasswordTokenExpiresIn: 3600,
      // A reset is what people do when they fear someone else knows the password.
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, url }) => {
        // Logged, not answered: an error here would tell a stranger the address has an account.
        await mail(resetPasswordMail(user.email, url)).catch((err: unknown) =>
          console.error(`password reset mail to account ${user.id} not sent: ${err instanceof Error ? err.message : String(err)}`),
        );
      },
    },
    // Used only to confirm a new address (change-email): sign-up does not wait for a confirmation.
    emailVerification: {
      sendVerificationEmail: async ({ user, url }) => mail(newAddressMail(user.email, url)),
      expiresIn: 24 * 3600,
    },
    user: {
      ...sharedOptions.user,
      changeEmail: { enabled: true },
      deleteUser: {
        enabled: true,
        beforeDelete: async (user) => {
          const refusal = await assertDeletable(env, user.id);
          if (refusal !== null) throw new APIError("BAD_REQUEST", { message: refusal });
          // The membership rows go with the account: note whose dashboards to close afterwards.
          leaving.set(user.id, (await listMemberProjects(env, user.id)).map((p) => p.id));
        },
        afterDelete: async (user) => {
          const projectIds = leaving.get(user.id) ?? [];
          leaving.delete(user.id);
          await deleteOwnedProjects(env, user.id);
          await Promise.all(projectIds.map((id) => disconnect(env, id, user.id)));
        },
      },
    },
    session: {
      // No cookie cache: every request reads the session row, so sign-out revokes at once.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      // In-memory limits would be per isolate; D1 is shared by all of them.
      storage: "database",
      window: 60,
      max: 100,
    },
    advanced: {
      ...sharedOptions.advanced,
      useSecureCookies: secureCookies(baseURL),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      // Cloudflare sets this header to the client's address; clients cannot forge it through the edge.
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await createDefaultProject(env, user, origin);
          },
        },
      },
    },
    plugins: authPlugins({
      sendMagicLink: async ({ email, url }) => mail(magicLinkMail(email, url)),
      registrationOpen: registrationOpen(env),
    }),
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const instances = new WeakMap<Env, Map<string, Auth>>();

/** The instance for this env and base URL, built once per isolate (building it costs CPU). */
export function getAuth(env: Env, request: Request): Auth {
  const baseURL = authBaseUrl(env, request);
  let byBase = instances.get(env);
  if (byBase === undefined) instances.set(env, (byBase = new Map()));
  let auth = byBase.get(baseURL);
  if (auth === undefined) byBase.set(baseURL, (auth = createAuth(env, baseURL)));
  return auth;
}
