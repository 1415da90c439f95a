// /app/api/auth/*: better-auth's handler, behind the rules it does not know: REGISTRATION_OPEN, the
// per-email sign-in limit, and that links by email need an SMTP server.
import { Hono } from "hono";
import { smtpConfig } from "../alerts/smtp";
import { getAuth, registrationOpen } from "../auth/auth";
import { allowSignInAttempt } from "../auth/throttle";
import type { AppEnv } from "../http/app-env";
import { readJson } from "../http/errors";
import { parseBody } from "../http/validate";
import { signUpBody } from "./schemas";

export const authRoutes = new Hono<AppEnv>();

/** The body, read within a size limit from a copy (the library reads the original). */
const peekJson = (req: Request): Promise<unknown> => readJson(req.clone(), 65_536);

// The plugin's own organization routes stay closed: src/app's routes do the same with our rules (the
// invitation limit, one owner per project, transfers), and the library's would bypass them.
authRoutes.all("/organization/*", (c) => c.json({ error: "not found" }, 404));

authRoutes.post("/sign-up/*", async (c, next) => {
  if (!registrationOpen(c.env)) return c.json({ error: "registration is closed on this site" }, 403);
  if (c.req.path.endsWith("/sign-up/email")) parseBody(signUpBody, await peekJson(c.req.raw));
  await next();
});

authRoutes.post("/sign-in/email", async (c, next) => {
  const email = ((await peekJson(c.req.raw).catch(() => ({}))) as { email?: unknown } | null)?.email;
  if (typeof email === "string" && !(await allowSignInAttempt(c.env, email))) {
    return c.json({ error: "too many sign-in attempts for this account; try again in a minute" }, 429, { "Retry-After": "60" });
  }
  await next();
});

// Said up front, the same for every address: otherwise the answer would differ by whether one exists.
for (const path of ["/sign-in/magic-link", "/request-password-reset", "/change-email"]) {
  authRoutes.post(path, async (c, next) => {
    if (smtpConfig(c.env) === null) {
      return c.json({ error: "this needs email, and this site has no SMTP server configured; ask its operator for a sign-in link" }, 400);
    }
    await next();
  });
}

authRoutes.on(["GET", "POST"], "/*", (c) => getAuth(c.env, c.req.raw).handler(c.req.raw));
