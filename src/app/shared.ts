// What the dashboard API's route modules share: the env with the signed-in user, typed zod
// validators (so hono/client knows each route's input) and the per-project role check.
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { roleAllows, type Permission } from "../auth/roles";
import type { AppEnv } from "../http/app-env";
import { UUID_RE } from "../http/common";
import { HttpError, readJson } from "../http/errors";
import { parseBody } from "../http/validate";
import { memberRole } from "../projects/membership";

export type SessionUser = { id: string; email: string; name: string; timeZone?: string | null; checksSort?: string | null };
export type DashboardEnv = AppEnv & { Variables: { user: SessionUser } };

/**
 * zod on a size-limited JSON body (readJson, as the Management API), typed like Hono's validator so
 * hono/client knows each route's input.
 */
export const json =
  <S extends z.ZodType>(schema: S): MiddlewareHandler<DashboardEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> =>
  async (c, next) => {
    c.req.addValidatedData("json", parseBody(schema, await readJson(c.req.raw)) as object);
    await next();
  };

/** zod on the query string (single values); a value it refuses is a 400 with the schema's message. */
export const query =
  <S extends z.ZodType>(schema: S): MiddlewareHandler<DashboardEnv, string, { in: { query: z.input<S> }; out: { query: z.output<S> } }> =>
  async (c, next) => {
    const result = schema.safeParse(c.req.query());
    if (!result.success) throw new HttpError(400, result.error.issues[0]?.message ?? "invalid query");
    c.req.addValidatedData("query", result.data as object);
    await next();
  };

/** zod on the path's parameters; a value it refuses is a path that does not exist (404). */
export const param =
  <S extends z.ZodType>(schema: S): MiddlewareHandler<DashboardEnv, string, { in: { param: z.input<S> }; out: { param: z.output<S> } }> =>
  async (c, next) => {
    const result = schema.safeParse(c.req.param());
    if (!result.success) throw new HttpError(404, `not found: ${result.error.issues[0]?.message ?? "bad path"}`);
    c.req.addValidatedData("param", result.data as object);
    await next();
  };

export interface ProjectAccess {
  id: string;
  role: string;
}

/**
 * The caller's role in the project in the URL, refused unless it allows `permission`. Not a member
 * (or no such project): 404, so ids of other people's projects reveal nothing; a member whose role
 * lacks the permission: 403.
 */
export async function projectAccess(env: Env, userId: string, rawId: string, permission: Permission): Promise<ProjectAccess> {
  const role = UUID_RE.test(rawId) ? await memberRole(env, userId, rawId) : null;
  if (role === null) throw new HttpError(404, "project not found");
  if (!roleAllows(role, permission)) throw new HttpError(403, `your role (${role}) does not allow this`);
  return { id: rawId, role };
}

/** The project id in the URL once the caller's role allows `permission` (see projectAccess). */
export async function authorize(env: Env, userId: string, rawId: string, permission: Permission): Promise<string> {
  return (await projectAccess(env, userId, rawId, permission)).id;
}
