// Without SECRET_KEY, API keys would be hashed and links signed with a constant anyone can read in
// this repository. So a public deployment without it serves only the readiness probe; local runs
// (`wrangler dev`, reached as localhost / 127.0.0.1 / ::1) keep working with the constant.
import { createMiddleware } from "hono/factory";
import { isLoopbackHostname, secretKeyMissing } from "../config";
import type { AppEnv } from "./app-env";

export const SECRET_KEY_MISSING = "SECRET_KEY is not set; set it with `wrangler secret put SECRET_KEY` and deploy again";

const STATUS_PATH = /^\/api\/v[123]\/status\/$/;

export const requireSecretKey = createMiddleware<AppEnv>(async (c, next) => {
  if (!secretKeyMissing(c.env)) return next();
  // The URL's host is the name the Worker was reached under; client headers are not consulted.
  const url = new URL(c.req.url);
  if (isLoopbackHostname(url.hostname) || STATUS_PATH.test(url.pathname)) return next();
  if (url.pathname.startsWith("/ping/")) {
    return c.text(SECRET_KEY_MISSING, 503, { "Content-Type": "text/plain; charset=utf-8" });
  }
  return c.json({ error: SECRET_KEY_MISSING }, 503);
});
