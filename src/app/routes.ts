// /app/api: the dashboard's API. Session cookie only (API keys are never read here); every
// state-changing request must carry the site's own Origin; bodies are parsed by zod. Chained so that
// `typeof dashboardApi` types the SPA's hono/client calls (see AppType).
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { authBaseUrl, getAuth } from "../auth/auth";
import type { AppEnv } from "../http/app-env";
import { HttpError } from "../http/errors";
import { removeProjectWithTeam } from "../projects/accounts";
import { createOwnedProject, listMemberProjects, renameProject, updateAccount } from "../projects/membership";
import { setShowSlugs } from "../projects/settings";
import { badgesApi } from "./badges";
import { channelsApi } from "./channels";
import { checksApi } from "./checks";
import { liveApi } from "./live";
import { membersApi } from "./members";
import { projectSettingsApi } from "./project-settings";
import { accountBody, projectBody, projectUpdateBody, type ChecksSort } from "./schemas";
import { authorize, json, type DashboardEnv, type SessionUser } from "./shared";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence: a state-changing request must come from a page of this site (Origin header), and so
 * must a WebSocket handshake (a GET, but another site's page could otherwise read the live feed).
 */
export const sameOrigin = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) || c.req.header("Upgrade")?.toLowerCase() === "websocket") {
    const expected = new URL(authBaseUrl(c.env, c.req.raw)).origin;
    if (c.req.header("Origin") !== expected) throw new HttpError(403, "cross-site request refused: Origin does not match this site");
  }
  await next();
});

const requireSession = createMiddleware<DashboardEnv>(async (c, next) => {
  const session = await getAuth(c.env, c.req.raw).api.getSession({ headers: c.req.raw.headers });
  if (session === null) throw new HttpError(401, "not signed in");
  c.set("user", session.user as SessionUser);
  await next();
});

export const dashboardApi = new Hono<DashboardEnv>()
  .use("*", sameOrigin)
  .use("*", requireSession)
  .get("/me", async (c) => {
    const user = c.get("user");
    return c.json({
      id: user.id,
      email: user.email,
      name: user.name,
      time_zone: user.timeZone ?? "UTC",
      checks_sort: (user.checksSort ?? "created") as ChecksSort,
      projects: await listMemberProjects(c.env, user.id),
    });
  })
  .patch("/me", json(accountBody), async (c) => {
    const { name, time_zone, checks_sort } = c.req.valid("json");
    const user = await updateAccount(c.env, c.get("user").id, { name, timeZone: time_zone, checksSort: checks_sort });
    return c.json({ id: user.id, name: user.name, time_zone: user.timeZone, checks_sort: user.checksSort as ChecksSort });
  })
  .get("/projects", async (c) => c.json({ projects: await listMemberProjects(c.env, c.get("user").id) }))
  .post("/projects", json(projectBody), async (c) => {
    const { name } = c.req.valid("json");
    return c.json(await createOwnedProject(c.env, c.get("user").id, name), 201);
  })
  .patch("/projects/:id", json(projectUpdateBody), async (c) => {
    const id = await authorize(c.env, c.get("user").id, c.req.param("id"), { project: ["rename"] });
    const { name, show_slugs } = c.req.valid("json");
    if (name !== undefined && !(await renameProject(c.env, id, name))) throw new HttpError(404, "project not found");
    if (show_slugs !== undefined && !(await setShowSlugs(c.env, id, show_slugs))) throw new HttpError(404, "project not found");
    return c.json({ id, ...(name === undefined ? {} : { name }), ...(show_slugs === undefined ? {} : { show_slugs }) });
  })
  .delete("/projects/:id", async (c) => {
    const id = await authorize(c.env, c.get("user").id, c.req.param("id"), { project: ["delete"] });
    await removeProjectWithTeam(c.env, id);
    return c.json({ id, deleted: true });
  })
  .route("/", projectSettingsApi)
  .route("/", membersApi)
  .route("/", checksApi)
  .route("/", channelsApi)
  .route("/", liveApi)
  .route("/", badgesApi);

export type AppType = typeof dashboardApi;
