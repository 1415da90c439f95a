// Wiring only: the Hono app, the queue and cron handlers, and the Durable Object classes.
import { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { authRoutes } from "./app/auth-routes";
import { dashboardApi } from "./app/routes";
import { consumeAlerts, consumeDeadLetters, type AlertMessage } from "./alerts/consumer";
import { emailLinkRoutes } from "./api/email-links-routes";
import { openapiRoutes } from "./api/openapi";
import { managementApi } from "./api/routes";
import { schedulePreview } from "./api/schedule-preview";
import { badgeRoutes } from "./badges/routes";
import { pingCanary } from "./sweeper/canary";
import { sweep } from "./sweeper/sweep";
import { isLocalRun, secretKeyMissing, warnIfSiteRootMissing } from "./config";
import type { AppEnv } from "./http/app-env";
import { errorResponse } from "./http/errors";
import { requireSecretKey } from "./http/secret-guard";
import { isSpaPageRequest, spaIndex } from "./http/spa-pages";
import { metricsRoutes } from "./metrics/routes";
import { handleEmail } from "./ping/email";
import { pingRoutes } from "./ping/routes";

export { CheckDO } from "./checks/check-do";
export { ProjectDO } from "./projects/project-do";

const app = new Hono<AppEnv>();
// First: nothing else may run with the public fallback key on a public host.
app.use("*", requireSecretKey);
// The first invocation is a Worker's start: say there that email needs SITE_ROOT (once per isolate).
app.use("*", async (c, next) => {
  warnIfSiteRootMissing(c.env);
  await next();
});
app.onError((err, c) => errorResponse(c, err));
app.notFound((c) => (isSpaPageRequest(c.req.raw) ? spaIndex(c.env, c.req.raw) : c.json({ error: "not found" }, 404)));
app.route("/", pingRoutes);
app.route("/", metricsRoutes);
app.route("/", badgeRoutes);
app.route("/admin/v1", adminRoutes);
// better-auth first: the dashboard API's session middleware must not run for its routes.
app.route("/app/api/auth", authRoutes);
app.route("/app/api", dashboardApi);
app.route("/integrations", emailLinkRoutes);
app.route("/api/v3", schedulePreview);
app.route("/api/v3", openapiRoutes);
for (const version of ["v1", "v2", "v3"]) app.route(`/api/${version}`, managementApi);

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<AlertMessage>, env: Env): Promise<void> {
    warnIfSiteRootMissing(env);
    // Alerts still go out (dropping them would hurt more); their signed links use a per-isolate
    // key instead of the public one (see config.ts), and cannot be opened while fetch answers 503.
    if (secretKeyMissing(env) && !isLocalRun(env)) console.error("SECRET_KEY is not set: links in these alerts will not work.");
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeAlerts(batch, env);
  },
  async email(message: ForwardableEmailMessage, env: Env, _ctx: ExecutionContext): Promise<void> {
    warnIfSiteRootMissing(env);
    await handleEmail(message, env);
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    warnIfSiteRootMissing(env);
    // One line per run: what the sweeper did, and which steps failed.
    console.log(`sweeper ${JSON.stringify(await sweep(env, controller.scheduledTime))}`);
    // After the sweep, so a cron run that hangs or dies also silences the canary.
    await pingCanary(env);
  },
} satisfies ExportedHandler<Env, AlertMessage>;
