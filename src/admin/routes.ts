// /admin/v1: provisioning for operators and automation, behind ADMIN_TOKEN.
import { Hono } from "hono";
import { secretMatches } from "../auth/keys";
import { config } from "../config";
import type { AppEnv } from "../http/app-env";
import { HttpError, readJson } from "../http/errors";
import { parseBody } from "../http/validate";
import { removeProjectWithTeam } from "../projects/accounts";
import { assignOwner } from "../projects/team";
import { rotateKey, setNagPeriod } from "../projects/settings";
import { createProject, getProject, listProjects } from "./projects";
import { createProjectSchema, rotateKeySchema, updateProjectSchema } from "./schemas";
import { UUID_RE } from "../http/common";
import { exportPage, importBackup, PAGE_UNITS, parseCursor } from "./backup";
import { createUserSchema, userWithSignInLink } from "./users";

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use("*", async (c, next) => {
  const token = config(c.env).adminToken;
  // Without a configured token the admin API does not exist.
  if (token === null) throw new HttpError(404, "not found");
  const header = c.req.header("Authorization") ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (presented === "") throw new HttpError(401, "missing admin token");
  if (!(await secretMatches(presented, token))) throw new HttpError(401, "wrong admin token");
  await next();
});

function projectId(raw: string): string {
  if (!UUID_RE.test(raw)) throw new HttpError(404, "project not found");
  return raw;
}

adminRoutes.post("/projects", async (c) => {
  const { name } = parseBody(createProjectSchema, await readJson(c.req.raw));
  return c.json(await createProject(c.env, name, config(c.env).secretKey), 201);
});

adminRoutes.get("/projects", async (c) => c.json({ projects: await listProjects(c.env) }));

adminRoutes.get("/projects/:id", async (c) => {
  const project = await getProject(c.env, projectId(c.req.param("id")));
  if (project === null) throw new HttpError(404, "project not found");
  return c.json(project);
});

adminRoutes.delete("/projects/:id", async (c) => {
  const id = projectId(c.req.param("id"));
  if (!(await removeProjectWithTeam(c.env, id))) throw new HttpError(404, "project not found");
  return c.json({ id, deleted: true });
});

adminRoutes.post("/projects/:id/keys", async (c) => {
  const id = projectId(c.req.param("id"));
  const { kind } = parseBody(rotateKeySchema, await readJson(c.req.raw));
  const value = await rotateKey(c.env, id, kind, config(c.env).secretKey);
  if (value === null) throw new HttpError(404, "project not found");
  return c.json({ id, [kind]: value });
});

adminRoutes.patch("/projects/:id", async (c) => {
  const id = projectId(c.req.param("id"));
  const { nag_period, owner } = parseBody(updateProjectSchema, await readJson(c.req.raw));
  const answer: { id: string; nag_period?: number; owner?: { id: string; email: string } } = { id };
  if (owner !== undefined) {
    const assigned = await assignOwner(c.env, id, owner);
    if (assigned === "no project") throw new HttpError(404, "project not found");
    if (assigned === "no user") throw new HttpError(404, `no user with the email ${owner}`);
    answer.owner = assigned;
  }
  if (nag_period !== undefined) {
    if (!(await setNagPeriod(c.env, id, nag_period))) throw new HttpError(404, "project not found");
    answer.nag_period = nag_period;
  }
  return c.json(answer);
});

adminRoutes.post("/users", async (c) => {
  const { email, name } = parseBody(createUserSchema, await readJson(c.req.raw));
  const result = await userWithSignInLink(c.env, c.req.raw, email, name);
  return c.json(result, result.created ? 201 : 200);
});

// Backups (docs/operations.md#backups): one page of JSON lines per request, streamed as it is read.
adminRoutes.get("/export", (c) => {
  const cursor = parseCursor(c.req.query("cursor"));
  if (cursor === null) throw new HttpError(400, "bad cursor");
  const limit = Number(c.req.query("limit") ?? PAGE_UNITS);
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_UNITS) throw new HttpError(400, `limit must be an integer from 1 to ${PAGE_UNITS}`);
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const writing = exportPage(c.env, cursor, async (record) => {
    // Waits while the client has not read the last line: memory stays at about one record.
    await writer.ready;
    await writer.write(encoder.encode(`${JSON.stringify(record)}\n`));
  }, limit).then(
    () => writer.close(),
    async (err: unknown) => {
      // The page ends without its cursor line, so the client knows it is incomplete.
      console.error("export failed", err);
      await writer.abort(err);
    },
  );
  c.executionCtx.waitUntil(writing);
  return c.body(readable, 200, { "Content-Type": "application/x-ndjson" });
});

adminRoutes.post("/import", async (c) => {
  const result = await importBackup(c.env, c.req.raw.body);
  if (result.ok) return c.json({ imported: result.imported });
  return c.json({ error: result.error, line: result.line, imported: result.imported }, result.status);
});
