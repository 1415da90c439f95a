// The dashboard API's badges page: the project's badge URLs (all checks and each tag, every format,
// two and three states), as the Management API's GET /badges/ lists them. Any member may read them:
// the URLs are public anyway once shared, and reveal only a label and an aggregate status.
import { Hono } from "hono";
import { projectBadgeUrls } from "../badges/project-badges";
import { HttpError } from "../http/errors";
import { projectAccess, type DashboardEnv } from "./shared";

export const badgesApi = new Hono<DashboardEnv>().get("/projects/:id/badges", async (c) => {
  const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["read"] });
  const badges = await projectBadgeUrls(c.env, id, new URL(c.req.url).origin);
  if (badges === null) throw new HttpError(404, "project not found");
  return c.json({ badges });
});
