// Badge URLs per tag of the project, and `*` for all checks.
import { Hono } from "hono";
import { projectBadgeUrls } from "../badges/project-badges";
import { HttpError } from "../http/errors";
import { cors, requireRead, type ApiEnv } from "./auth";

export const badgesApi = new Hono<ApiEnv>();

badgesApi.use("/badges/", cors("GET"));
badgesApi.get("/badges/", requireRead, async (c) => {
  const badges = await projectBadgeUrls(c.env, c.get("projectId"), new URL(c.req.url).origin);
  if (badges === null) throw new HttpError(404, "not found");
  return c.json({ badges });
});
