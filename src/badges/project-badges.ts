// The badge URLs of one project: all its checks ("*") and each tag in use, for the Management API's
// GET /badges/ and the dashboard's badges page alike.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { tagList } from "../checks/model";
import { config } from "../config";
import { checks, projects } from "../db/schema";
import { badgeUrls, type BadgeUrls } from "./signature";

/** Tag → its URLs, the tags sorted and "*" last; null when the project does not exist. */
export async function projectBadgeUrls(env: Env, projectId: string, origin: string): Promise<Record<string, BadgeUrls> | null> {
  const db = drizzle(env.DB);
  const project = await db.select({ badgeKey: projects.badge_key }).from(projects).where(eq(projects.id, projectId)).get();
  if (project === undefined) return null;
  const rows = await db
    .select({ tags: checks.tags })
    .from(checks)
    .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .all();
  const tags = [...new Set(rows.flatMap((r) => tagList(r.tags)))].sort();
  const conf = config(env, origin);
  const badges: Record<string, BadgeUrls> = {};
  for (const tag of [...tags, "*"]) badges[tag] = await badgeUrls(conf.siteRoot, project.badgeKey, conf.secretKey, tag);
  return badges;
}
