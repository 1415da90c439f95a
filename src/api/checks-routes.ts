// Checks: list, create (or upsert by `unique`), get, update, delete, pause and resume.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { channelIdsOf, rowToConfig, type CheckRow } from "../checks/repository";
import { reconfigure, removeCheck, withConfigured } from "../checks/client";
import { tagList, type CheckConfig, type CheckView } from "../checks/model";
import { renderCheck } from "../checks/render";
import { stateFromRow } from "../checks/summary-status";
import { checkChannels, checks } from "../db/schema";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { applySpec } from "./apply-spec";
import { cors, requireRead, requireWrite, type ApiEnv } from "./auth";
import { resolveChannels } from "./channels";
import { checkSpecSchema } from "./check-spec";
import { createOrMatch } from "./create-check";
import { byUniqueKey, ownCheck, renderOptions, renderView, viewOf, type C } from "./shared";

async function channelsByCheck(env: Env, projectId: string): Promise<Map<string, string[]>> {
  const { results } = await env.DB.prepare(
    "SELECT cc.check_id, cc.channel_id FROM check_channels cc JOIN checks c ON c.id = cc.check_id WHERE c.project_id = ?",
  )
    .bind(projectId)
    .all<{ check_id: string; channel_id: string }>();
  const map = new Map<string, string[]>();
  for (const r of results) map.set(r.check_id, [...(map.get(r.check_id) ?? []), r.channel_id]);
  return map;
}

/**
 * Applies a validated spec to a stored check: catalog row and channels first (one versioned batch),
 * then its DO. The answer comes only after the DO applied it; if it could not, the catalog is put back
 * (under a newer version, so the sweeper re-applies the old values should the DO have taken the new
 * ones after all) and the client gets 503 with nothing changed.
 */
async function updateCheck(c: C, row: CheckRow, body: Record<string, unknown>): Promise<CheckView> {
  const spec = parseBody(checkSpecSchema, body);
  const channelIds = spec.channels === undefined ? undefined : await resolveChannels(c.env, row.project_id, spec.channels);
  const changes = applySpec(row, spec, c.get("apiVersion"));
  const previousChannels = channelIds === undefined ? undefined : await channelIdsOf(c.env, row.id);
  const next = await writeCheck(c.env, row.id, changes, channelIds);
  if (next === undefined) throw new HttpError(404, "not found");
  try {
    await reconfigure(c.env, next, new URL(c.req.url).origin, channelIds);
  } catch (err) {
    console.error(`check ${row.id}: its object did not apply version ${next.version}; undoing the update`, err);
    const undo = Object.fromEntries(Object.keys(changes).map((k) => [k, row[k as keyof CheckRow]])) as Partial<CheckRow>;
    await writeCheck(c.env, row.id, undo, previousChannels).catch((e: unknown) => console.error(`check ${row.id}: undo failed`, e));
    throw new HttpError(503, "the check's state is unavailable right now; nothing was changed, try again");
  }
  return viewOf(c, next);
}

/** One batch: the catalog fields (version bumped, so the DO applies updates in order) and the channel list. */
async function writeCheck(env: Env, id: string, changes: Partial<CheckRow>, channelIds: string[] | undefined) {
  const db = drizzle(env.DB);
  const [rows] = await db.batch([
    db
      .update(checks)
      .set({ ...changes, version: sql`${checks.version} + 1` })
      .where(and(eq(checks.id, id), isNull(checks.deleted_at)))
      .returning(),
    ...(channelIds === undefined
      ? []
      : [
          db.delete(checkChannels).where(eq(checkChannels.check_id, id)),
          ...channelIds.map((channel_id) => db.insert(checkChannels).values({ check_id: id, channel_id })),
        ]),
  ]);
  return rows[0];
}

export const checksApi = new Hono<ApiEnv>();

checksApi.use("/checks/", cors("GET, POST"));
checksApi.get("/checks/", requireRead, async (c) => {
  const url = new URL(c.req.url);
  const tags = url.searchParams.getAll("tag");
  const slug = url.searchParams.get("slug");
  const rows = await drizzle(c.env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.project_id, c.get("projectId")), isNull(checks.deleted_at), slug === null ? undefined : eq(checks.slug, slug)))
    .orderBy(asc(checks.created), asc(checks.id))
    .all();
  const chans = await channelsByCheck(c.env, c.get("projectId"));
  const opts = renderOptions(c, c.get("readonly"));
  const list = rows
    .filter((r) => {
      const own = tagList(r.tags);
      return tags.every((t) => own.includes(t));
    })
    .map((r) => renderCheck(rowToConfig(r, chans.get(r.id) ?? [], 100, "") as CheckConfig, stateFromRow(r), opts));
  return c.json({ checks: list });
});

checksApi.post("/checks/", requireWrite, async (c) => {
  const body = c.get("body");
  const spec = parseBody(checkSpecSchema, body);
  const projectId = c.get("projectId");
  const channelIds = spec.channels === undefined ? [] : await resolveChannels(c.env, projectId, spec.channels);
  const uniqueFields = (spec.unique ?? []).filter((f, i, all) => all.indexOf(f) === i);
  const matchOn = uniqueFields.length > 0 && uniqueFields.every((f) => spec[f] !== undefined) ? uniqueFields : [];
  const outcome = await createOrMatch(c.env, projectId, spec, matchOn, c.get("apiVersion"), channelIds, new URL(c.req.url).origin);
  if (outcome.kind === "limit") return c.json({ error: "check limit reached" }, 403);
  if (outcome.kind === "matched") return c.json(renderView(c, await updateCheck(c, outcome.row, body)), 200);
  return c.json(renderView(c, await viewOf(c, outcome.row)), 201);
});

checksApi.use("/checks/:key{[A-Za-z0-9]{40}}", cors("GET"));
checksApi.get("/checks/:key{[A-Za-z0-9]{40}}", requireRead, async (c) => {
  const row = await byUniqueKey(c, c.req.param("key"));
  return c.json(renderView(c, await viewOf(c, row), c.get("readonly")));
});

checksApi.use("/checks/:uuid", cors("POST, DELETE, GET"));
checksApi.get("/checks/:uuid", requireRead, async (c) => {
  const row = await ownCheck(c);
  return c.json(renderView(c, await viewOf(c, row), c.get("readonly")));
});
checksApi.post("/checks/:uuid", requireWrite, async (c) => {
  const row = await ownCheck(c);
  return c.json(renderView(c, await updateCheck(c, row, c.get("body"))));
});
checksApi.delete("/checks/:uuid", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const rendered = renderView(c, await viewOf(c, row));
  await removeCheck(c.env, row.id);
  return c.json(rendered);
});

checksApi.use("/checks/:uuid/pause", cors("POST"));
checksApi.post("/checks/:uuid/pause", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const v = await withConfigured(c.env, row, new URL(c.req.url).origin, async (stub) => (await stub.pause()) as CheckView | null);
  if (v === null) throw new HttpError(404, "not found");
  return c.json(renderView(c, v));
});

checksApi.use("/checks/:uuid/resume", cors("POST"));
checksApi.post("/checks/:uuid/resume", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const v = await withConfigured(c.env, row, new URL(c.req.url).origin, async (stub) => (await stub.resume()) as CheckView | "not_paused" | null);
  if (v === null) throw new HttpError(404, "not found");
  if (v === "not_paused") return c.text("check is not paused", 409);
  return c.json(renderView(c, v as CheckView));
});

