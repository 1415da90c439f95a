// The dashboard API's project settings: the project as its members see it, its keys (made and
// revoked with the admin API's functions, shown once) and its reminder period.
import { Hono } from "hono";
import { config } from "../config";
import { HttpError } from "../http/errors";
import { revokeKey, rotateKey, setNagPeriod } from "../projects/settings";
import { projectOverview } from "../projects/team";
import { keyKindParam, remindersBody } from "./schemas";
import { json, param, projectAccess, type DashboardEnv } from "./shared";

export const projectSettingsApi = new Hono<DashboardEnv>()
  .get("/projects/:id", async (c) => {
    const { id, role } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["read"] });
    const project = await projectOverview(c.env, id);
    if (project === null) throw new HttpError(404, "project not found");
    return c.json({ ...project, role });
  })
  .post("/projects/:id/keys/:kind", param(keyKindParam), async (c) => {
    const { kind, id: rawId } = c.req.valid("param");
    const { id } = await projectAccess(c.env, c.get("user").id, rawId, { apiKey: ["write"] });
    const key = await rotateKey(c.env, id, kind, config(c.env).secretKey);
    if (key === null) throw new HttpError(404, "project not found");
    return c.json({ kind, key });
  })
  .delete("/projects/:id/keys/:kind", param(keyKindParam), async (c) => {
    const { kind, id: rawId } = c.req.valid("param");
    const { id } = await projectAccess(c.env, c.get("user").id, rawId, { apiKey: ["write"] });
    if (!(await revokeKey(c.env, id, kind))) throw new HttpError(404, "project not found");
    return c.json({ kind, key: null });
  })
  .put("/projects/:id/reminders", json(remindersBody), async (c) => {
    // Healthchecks keeps the period per user; here it is the project's, changed by whoever may rename it.
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["rename"] });
    const { nag_period } = c.req.valid("json");
    if (!(await setNagPeriod(c.env, id, nag_period))) throw new HttpError(404, "project not found");
    return c.json({ id, nag_period });
  });
