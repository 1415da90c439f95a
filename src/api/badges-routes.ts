// Badge URLs per tag of the project, and `*` for all checks.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { badgeUrls, type BadgeUrls } from "../badges/signature";
import { tagList } from "../checks/model";
import { config } from "../config";
import { checks, projects } from "../db/schema";
import { HttpError } from "../http/errors";
import { cors, requireRead, type ApiEnv } from "./auth";

export const badgesApi = new Hono<ApiEnv>();

badgesApi.use("/badges/", cors("GET"));
badgesApi.get("/badges/", requireRead, async (c) => {
  const projectId = c.get("projectId");
  const db = drizzle(c.env.DB);
  const project = await db.select({ badgeKey: projects.badge_key }).from(projects).where(eq(projects.id, projectId)).get();
  if (project === undefined) throw new HttpError(404, "not found");
  const rows = await db
    .select({ tags: checks.tags })
    .from(checks)
    .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .all();
  const tags = [...new Set(rows.flatMap((r) => tagList(r.tags)))].sort();
  const conf = config(c.env, new URL(c.req.url).origin);
  const badges: Record<string, BadgeUrls> = {};
  for (const tag of [...tags, "*"]) badges[tag] = await badgeUrls(conf.siteRoot, project.badgeKey, conf.secretKey, tag);
  return c.json({ badges });
});

