// better-auth for the Worker: one instance per (env, base URL), over D1 through drizzle.
import { drizzleAdapter } from "@better-auth/drizzle-adapter";
import { betterAuth } from "better-auth/minimal";
import { drizzle } from "drizzle-orm/d1";
import { config, isLoopbackHostname } from "../config";
import * as authSchema from "../db/auth-schema";
import { createDefaultProject } from "../projects/membership";
import { authPlugins, sharedOptions } from "./options";
import { hashPassword, verifyPassword } from "./password";


/** The base URL: SITE_ROOT, else the origin the request reached. */
export function authBaseUrl(env: Env, request: Request): string {
  return config(env, new URL(request.url).origin).siteRoot;
}

/** Cookies are Secure everywhere except plain http on loopback (`npm start`, tests). */
export function secureCookies(baseUrl: string): boolean {
  const url = new URL(baseUrl);
  return !(url.protocol === "http:" && isLoopbackHostname(url.hostname));
}

function createAuth(env: Env, baseURL: string) {
  const origin = new URL(baseURL).origin;
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
    plugins: authPlugins(),
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
