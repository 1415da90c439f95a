// /app/api: the dashboard's API. Session cookie only (API keys are never read here); every
// state-changing request must carry the site's own Origin; bodies are parsed by zod. Chained so that
// `typeof dashboardApi` types the SPA's hono/client calls (see AppType).
import { Hono, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { authBaseUrl, getAuth } from "../auth/auth";
import { roleAllows, type Permission } from "../auth/roles";
import type { AppEnv } from "../http/app-env";
import { UUID_RE } from "../http/common";
import { HttpError, readJson } from "../http/errors";
import { parseBody } from "../http/validate";
import { deleteProject } from "../projects/deletion";
import { createOwnedProject, deleteProjectOrganization, listMemberProjects, memberRole, renameProject } from "../projects/membership";

type SessionUser = { id: string; email: string; name: string; timeZone?: string | null };
type DashboardEnv = AppEnv & { Variables: { user: SessionUser } };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** CSRF defence: a state-changing request must come from a page of this site (Origin header). */
export const sameOrigin = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
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

const projectName = z.string({ error: "name must be a string" }).trim().min(1, "name must not be empty").max(100, "name is too long (at most 100 characters)");
const projectBody = z.object({ name: projectName });

/**
 * zod on a size-limited JSON body (readJson, as the Management API), typed like Hono's validator so
 * hono/client knows each route's input.
 */
const json =
  <S extends z.ZodType>(schema: S): MiddlewareHandler<DashboardEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> =>
  async (c, next) => {
    c.req.addValidatedData("json", parseBody(schema, await readJson(c.req.raw)) as object);
    await next();
  };

/** The caller's role in the project in the URL, refused unless it allows `permission`. */
async function authorize(env: Env, userId: string, rawId: string, permission: Permission): Promise<string> {
  // Not a member (or no such project): 404, so ids of other people's projects reveal nothing.
  const role = UUID_RE.test(rawId) ? await memberRole(env, userId, rawId) : null;
  if (role === null) throw new HttpError(404, "project not found");
  if (!roleAllows(role, permission)) throw new HttpError(403, `your role (${role}) does not allow this`);
  return rawId;
}

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
      projects: await listMemberProjects(c.env, user.id),
    });
  })
  .get("/projects", async (c) => c.json({ projects: await listMemberProjects(c.env, c.get("user").id) }))
  .post("/projects", json(projectBody), async (c) => {
    const { name } = c.req.valid("json");
    return c.json(await createOwnedProject(c.env, c.get("user").id, name), 201);
  })
  .patch("/projects/:id", json(projectBody), async (c) => {
    const id = await authorize(c.env, c.get("user").id, c.req.param("id"), { project: ["rename"] });
    const { name } = c.req.valid("json");
    if (!(await renameProject(c.env, id, name))) throw new HttpError(404, "project not found");
    return c.json({ id, name });
  })
  .delete("/projects/:id", async (c) => {
    const id = await authorize(c.env, c.get("user").id, c.req.param("id"), { project: ["delete"] });
    // The organization (members, invitations) first: nobody reaches the project while its checks go.
    await deleteProjectOrganization(c.env, id);
    await deleteProject(c.env, id);
    return c.json({ id, deleted: true });
  });

export type AppType = typeof dashboardApi;
