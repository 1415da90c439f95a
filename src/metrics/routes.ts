// Prometheus metrics of a project, read with its read-only API key. Everything comes from the
// D1 summaries (one query); no Durable Object is asked (invariant 5 in docs/architecture.md).
//
// Auth, in order:
//   malformed project uuid                                  → 404 (Healthchecks' URL pattern does not match)
//   Bearer route without an "Authorization: Bearer " header → 401
//   key length ≠ 32                                         → 400
//   unknown key, or a key of another project                → 403 "wrong api key"
//     (Healthchecks answers 403 for a wrong key and ignores the uuid in the URL; here the
//      URL's project must be the key's project)
//   read-write key                                          → 403 "read-only api key required"
import { and, asc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Context, Hono } from "hono";
import { projectForApiKey } from "../auth/keys";
import { type CheckRow } from "../checks/repository";
import { summaryStatus } from "../checks/summary-status";
import { config } from "../config";
import { checks } from "../db/schema";
import type { AppEnv } from "../http/app-env";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./prometheus";
import { UUID_RE } from "../http/common";


export const metricsRoutes = new Hono<AppEnv>();

type Ctx = Context<AppEnv>;

/** A malformed project uuid is no route at all, as in Healthchecks. */
const badUuid = (c: Ctx): Response | null => (UUID_RE.test(c.req.param("uuid") ?? "") ? null : c.json({ error: "not found" }, 404));

async function serve(c: Ctx, key: string): Promise<Response> {
  const projectId = c.req.param("uuid") ?? "";
  if (key.length !== 32) return c.json({ error: "wrong api key length" }, 400);
  const owner = await projectForApiKey(c.env.DB, key, config(c.env).secretKey);
  if (owner === null || owner.projectId !== projectId) return c.json({ error: "wrong api key" }, 403);
  if (!owner.readonly) return c.json({ error: "read-only api key required" }, 403);

  // Every column but the description, which the metrics never show and which can be 10 kB.
  const rows: CheckRow[] = await drizzle(c.env.DB)
    .select({ ...getTableColumns(checks), desc: sql<string>`''` })
    .from(checks)
    .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .orderBy(asc(checks.created), asc(checks.id))
    .all();
  const now = Date.now();
  const body = renderMetrics(
    rows.map((r) => ({
      id: r.id,
      created: r.created,
      name: r.name,
      tags: r.tags,
      unique_key: r.unique_key,
      status: summaryStatus(r, now),
      started: r.last_start !== null,
    })),
  );
  return c.body(body, 200, { "Content-Type": METRICS_CONTENT_TYPE });
}

metricsRoutes.get("/projects/:uuid/metrics/:key", (c) => badUuid(c) ?? serve(c, c.req.param("key")));
// Legacy path, still documented by Healthchecks for older Prometheus configs.
metricsRoutes.get("/projects/:uuid/checks/metrics/:key", (c) => badUuid(c) ?? serve(c, c.req.param("key")));
// Prometheus' `authorization` / `bearer_token` scrape config.
metricsRoutes.get("/projects/:uuid/metrics/", (c) => {
  const bad = badUuid(c);
  if (bad !== null) return bad;
  const header = c.req.header("Authorization") ?? "";
  if (!header.startsWith("Bearer ")) return c.json({ error: "missing bearer token" }, 401);
  return serve(c, header.slice(7));
});
