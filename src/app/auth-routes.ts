// /app/api/auth/*: better-auth's handler, behind the two rules it does not know: REGISTRATION_OPEN
// and the per-email sign-in limit.
import { Hono } from "hono";
import { getAuth } from "../auth/auth";
import { allowSignInAttempt } from "../auth/throttle";
import type { AppEnv } from "../http/app-env";

export const authRoutes = new Hono<AppEnv>();

export const registrationOpen = (env: Env): boolean => (env.REGISTRATION_OPEN ?? "true").trim().toLowerCase() !== "false";

authRoutes.post("/sign-up/*", async (c, next) => {
  if (!registrationOpen(c.env)) return c.json({ error: "registration is closed on this site" }, 403);
  await next();
});

authRoutes.post("/sign-in/email", async (c, next) => {
  let email: unknown;
  try {
    email = ((await c.req.raw.clone().json()) as { email?: unknown }).email;
  } catch {
    email = undefined;
  }
  if (typeof email === "string" && !(await allowSignInAttempt(c.env, email))) {
    return c.json({ error: "too many sign-in attempts for this account; try again in a minute" }, 429, { "Retry-After": "60" });
  }
  await next();
});

authRoutes.on(["GET", "POST"], "/*", (c) => getAuth(c.env, c.req.raw).handler(c.req.raw));
