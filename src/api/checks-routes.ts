// Checks: list, create (or upsert by `unique`), get, update, delete, pause and resume.
import { and, asc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { channelIdsByCheck, rowToConfig, type CheckRow } from "../checks/repository";
import { pauseCheck, removeCheck, resumeCheck } from "../checks/client";
import { tagList, type CheckConfig, type CheckView } from "../checks/model";
import { renderCheck } from "../checks/render";
import { stateFromRow } from "../checks/summary-status";
import { checks } from "../db/schema";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { cors, requireRead, requireWrite, type ApiEnv } from "./auth";
import { resolveChannels } from "./channels";
import { checkSpecSchema } from "./check-spec";
import { createOrMatch } from "./create-check";
import { updateCheck } from "./update-check";
import { byUniqueKey, ownCheck, renderOptions, renderView, viewOf, type C } from "./shared";

/** A Management API update: Healthchecks' spec, its `channels` field, then the shared update. */
async function updateFromBody(c: C, row: CheckRow, body: Record<string, unknown>): Promise<CheckView> {
  const spec = parseBody(checkSpecSchema, body);
  const channelIds = spec.channels === undefined ? undefined : await resolveChannels(c.env, row.project_id, spec.channels);
  const next = await updateCheck(c.env, row, spec, {
    apiVersion: c.get("apiVersion"),
    origin: new URL(c.req.url).origin,
    channels: channelIds === undefined ? undefined : { set: channelIds },
  });
  return viewOf(c, next);
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
  const chans = await channelIdsByCheck(c.env, c.get("projectId"));
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
  if (outcome.kind === "matched") return c.json(renderView(c, await updateFromBody(c, outcome.row, body)), 200);
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
  return c.json(renderView(c, await updateFromBody(c, row, c.get("body"))));
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
  const v = await pauseCheck(c.env, row, new URL(c.req.url).origin);
  if (v === null) throw new HttpError(404, "not found");
  return c.json(renderView(c, v));
});

checksApi.use("/checks/:uuid/resume", cors("POST"));
checksApi.post("/checks/:uuid/resume", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const v = await resumeCheck(c.env, row, new URL(c.req.url).origin);
  if (v === null) throw new HttpError(404, "not found");
  if (v === "not_paused") return c.text("check is not paused", 409);
  return c.json(renderView(c, v));
});

