// The Management API, mounted at /api/v1, /api/v2 and /api/v3 (reference API §1).
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import { channelIdsOf, checkStub, checkView, reconfigure, removeCheck, rowToConfig, type CheckRow } from "../checks/catalog";
import type { CheckView } from "../checks/model";
import type { CheckConfig } from "../checks/model";
import { renderCheck } from "../checks/render";
import { stateFromRow } from "../checks/summary-status";
import { config } from "../config";
import { sendTestNotification } from "../alerts/test-notification";
import type { ChannelValue } from "../alerts/types";
import { storedAddress } from "../alerts/email-links";
import { sendVerificationEmail } from "../alerts/verification";
import { badgeUrls, type BadgeUrls } from "../badges/signature";
import { channels, checkChannels, checks, projects } from "../db/schema";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { applySpec } from "./apply-spec";
import { cors, requireRead, requireWrite, type ApiEnv } from "./auth";
import { channelCreateSchema, channelUpdateSchema, isChannelKind } from "./channel-spec";
import { resolveChannels } from "./channels";
import { checkSpecSchema } from "./check-spec";
import { createOrMatch } from "./create-check";
import { flipsQuerySchema, renderFlips, renderPings } from "./present";
import { UUID_RE } from "../http/common";


type C = Context<ApiEnv>;

function renderOptions(c: C, readonly: boolean) {
  const conf = config(c.env, new URL(c.req.url).origin);
  return {
    apiVersion: c.get("apiVersion"),
    readonly,
    siteRoot: conf.siteRoot,
    pingEndpoint: conf.pingEndpoint,
    pingEmailDomain: conf.pingEmailDomain,
    now: Date.now(),
  };
}

/** Exact rendering from the check's DO (one check, after a write). */
const renderView = (c: C, v: CheckView, readonly = false) => renderCheck(v.config, v.state, renderOptions(c, readonly));

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

/** A check of the key's project by uuid: 404 if unknown, 403 if it belongs to another project. */
async function ownCheck(c: C): Promise<CheckRow> {
  const id = c.req.param("uuid") ?? "";
  if (!UUID_RE.test(id)) throw new HttpError(404, "not found");
  const row = await drizzle(c.env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.id, id), isNull(checks.deleted_at)))
    .get();
  if (row === undefined) throw new HttpError(404, "not found");
  if (row.project_id !== c.get("projectId")) throw new HttpError(403, "access denied, wrong api key");
  return row;
}

async function byUniqueKey(c: C, key: string): Promise<CheckRow> {
  const row = await drizzle(c.env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.project_id, c.get("projectId")), eq(checks.unique_key, key), isNull(checks.deleted_at)))
    .get();
  if (row === undefined) throw new HttpError(404, "not found");
  return row;
}

async function viewOf(c: C, row: CheckRow): Promise<CheckView> {
  const v = await checkView(c.env, row, new URL(c.req.url).origin);
  if (v === null) throw new HttpError(404, "not found");
  return v;
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

export const managementApi = new Hono<ApiEnv>();

managementApi.use("/checks/", cors("GET, POST"));
managementApi.get("/checks/", requireRead, async (c) => {
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
      const own = r.tags.split(/\s+/);
      return tags.every((t) => own.includes(t));
    })
    .map((r) => renderCheck(rowToConfig(r, chans.get(r.id) ?? [], 100, "") as CheckConfig, stateFromRow(r), opts));
  return c.json({ checks: list });
});

managementApi.post("/checks/", requireWrite, async (c) => {
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

managementApi.use("/checks/:key{[A-Za-z0-9]{40}}", cors("GET"));
managementApi.get("/checks/:key{[A-Za-z0-9]{40}}", requireRead, async (c) => {
  const row = await byUniqueKey(c, c.req.param("key"));
  return c.json(renderView(c, await viewOf(c, row), c.get("readonly")));
});

managementApi.use("/checks/:uuid", cors("POST, DELETE, GET"));
managementApi.get("/checks/:uuid", requireRead, async (c) => {
  const row = await ownCheck(c);
  return c.json(renderView(c, await viewOf(c, row), c.get("readonly")));
});
managementApi.post("/checks/:uuid", requireWrite, async (c) => {
  const row = await ownCheck(c);
  return c.json(renderView(c, await updateCheck(c, row, c.get("body"))));
});
managementApi.delete("/checks/:uuid", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const rendered = renderView(c, await viewOf(c, row));
  await removeCheck(c.env, row.id);
  return c.json(rendered);
});

managementApi.use("/checks/:uuid/pause", cors("POST"));
managementApi.post("/checks/:uuid/pause", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const v = (await checkStub(c.env, row.id).pause()) ?? (await viewOf(c, row), await checkStub(c.env, row.id).pause());
  if (v === null) throw new HttpError(404, "not found");
  return c.json(renderView(c, v as CheckView));
});

managementApi.use("/checks/:uuid/resume", cors("POST"));
managementApi.post("/checks/:uuid/resume", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const v = (await checkStub(c.env, row.id).resume()) ?? (await viewOf(c, row), await checkStub(c.env, row.id).resume());
  if (v === null) throw new HttpError(404, "not found");
  if (v === "not_paused") return c.text("check is not paused", 409);
  return c.json(renderView(c, v as CheckView));
});

managementApi.use("/checks/:uuid/pings/", cors("GET"));
managementApi.get("/checks/:uuid/pings/", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const pings = (await checkStub(c.env, row.id).pings()) ?? [];
  return c.json({ pings: renderPings(pings, renderOptions(c, false), row.id, c.get("apiVersion")) });
});

managementApi.use("/checks/:uuid/pings/:n{[0-9]+}/body", cors("GET"));
managementApi.get("/checks/:uuid/pings/:n{[0-9]+}/body", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const body = await checkStub(c.env, row.id).pingBody(Number(c.req.param("n")));
  if (body === null) throw new HttpError(404, "not found");
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "text/plain" });
});

async function flipsOf(c: C, row: CheckRow) {
  const query = flipsQuerySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? "invalid filter");
  const flips = (await checkStub(c.env, row.id).flips()) ?? [];
  return c.json({ flips: renderFlips(flips, query.data, Date.now()) });
}

managementApi.use("/checks/:key{[A-Za-z0-9]{40}}/flips/", cors("GET"));
managementApi.get("/checks/:key{[A-Za-z0-9]{40}}/flips/", requireRead, async (c) => flipsOf(c, await byUniqueKey(c, c.req.param("key"))));

managementApi.use("/checks/:uuid/flips/", cors("GET"));
managementApi.get("/checks/:uuid/flips/", requireRead, async (c) => flipsOf(c, await ownCheck(c)));

managementApi.use("/channels/", cors("GET, POST"));
managementApi.get("/channels/", requireWrite, async (c) => {
  const rows = await drizzle(c.env.DB)
    .select({ id: channels.id, name: channels.name, kind: channels.kind })
    .from(channels)
    .where(eq(channels.project_id, c.get("projectId")))
    .orderBy(asc(channels.created), asc(channels.id))
    .all();
  return c.json({ channels: rows });
});

/** A channel of the key's project by id; anything else (malformed, unknown, another project's) is 404. */
async function ownChannel(c: C) {
  const id = c.req.param("id") ?? "";
  if (!UUID_RE.test(id)) throw new HttpError(404, "not found");
  const row = await drizzle(c.env.DB)
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.project_id, c.get("projectId"))))
    .get();
  if (row === undefined) throw new HttpError(404, "not found");
  return row;
}

/** A group's members must be non-group channels of the same project. */
async function checkGroupMembers(env: Env, projectId: string, members: string): Promise<void> {
  const { results } = await env.DB.prepare("SELECT id, kind FROM channels WHERE project_id = ?")
    .bind(projectId)
    .all<{ id: string; kind: string }>();
  const kinds = new Map(results.map((r) => [r.id, r.kind]));
  for (const id of members.split(",")) {
    const kind = kinds.get(id);
    if (kind === undefined) throw new HttpError(400, `json validation error: value refers to ${id}, which is not a channel of this project`);
    if (kind === "group") throw new HttpError(400, `json validation error: value refers to ${id}, which is a group`);
  }
}

const channelSummary = (r: { id: string; name: string; kind: string }) => ({ id: r.id, name: r.name, kind: r.kind });

/** Mails the verification link after answering; the outcome is only logged. */
function verifyLater(c: C, channelId: string, address: string): void {
  c.executionCtx.waitUntil(sendVerificationEmail(c.env, channelId, address, new URL(c.req.url).origin));
}

managementApi.post("/channels/", requireWrite, async (c) => {
  const spec = parseBody(channelCreateSchema, c.get("body"));
  const projectId = c.get("projectId");
  if (spec.kind === "group") await checkGroupMembers(c.env, projectId, spec.value as string);
  const verify = spec.kind === "email" && config(c.env).emailUseVerification;
  const row = {
    id: crypto.randomUUID(),
    project_id: projectId,
    name: spec.name,
    kind: spec.kind,
    value: JSON.stringify(spec.value),
    created: Date.now(),
    email_verified: !verify,
  };
  await drizzle(c.env.DB).insert(channels).values(row);
  if (verify) verifyLater(c, row.id, (spec.value as ChannelValue<"email">).value);
  return c.json(channelSummary(row), 201);
});

/**
 * An email channel's new value: a new address must be confirmed again (its old links stop working,
 * as the token covers the address). Posting the value of a still unconfirmed channel re-sends the link.
 */
function emailReverification(env: Env, row: { kind: string; value: string; email_verified: boolean }, value: unknown) {
  if (row.kind !== "email" || value === undefined) return { changes: {}, send: null };
  const address = (value as ChannelValue<"email">).value;
  const useVerification = config(env).emailUseVerification;
  if (address !== storedAddress(row.value)) return { changes: { email_verified: !useVerification }, send: useVerification ? address : null };
  return { changes: {}, send: useVerification && !row.email_verified ? address : null };
}

managementApi.use("/channels/:id", cors("POST, DELETE"));
managementApi.post("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  if (!isChannelKind(row.kind)) throw new HttpError(400, "json validation error: kind cannot be edited through the API");
  const spec = parseBody(channelUpdateSchema(row.kind), c.get("body"));
  if (row.kind === "group" && spec.value !== undefined) await checkGroupMembers(c.env, row.project_id, spec.value as string);
  const reverify = emailReverification(c.env, row, spec.value);
  const changes = {
    ...(spec.name === undefined ? {} : { name: spec.name }),
    // A new configuration gets a fresh start: a channel disabled after a permanent error (or an
    // unsubscribe) is enabled again.
    ...(spec.value === undefined ? {} : { value: JSON.stringify(spec.value), disabled: false, last_error: "" }),
    ...reverify.changes,
  };
  if (Object.keys(changes).length === 0) return c.json(channelSummary(row));
  const next = await drizzle(c.env.DB)
    .update(channels)
    .set(changes)
    .where(and(eq(channels.id, row.id), eq(channels.project_id, row.project_id)))
    .returning()
    .get();
  if (next === undefined) throw new HttpError(404, "not found");
  if (reverify.send !== null) verifyLater(c, next.id, reverify.send);
  return c.json(channelSummary(next));
});

managementApi.delete("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  const db = drizzle(c.env.DB);
  // Groups of the project that list this channel lose it.
  const groups = await db
    .select({ id: channels.id, value: channels.value })
    .from(channels)
    .where(and(eq(channels.project_id, row.project_id), eq(channels.kind, "group")))
    .all();
  const groupUpdates = groups.flatMap((g) => {
    const members = parseGroupValue(g.value);
    const kept = members.filter((m) => m !== row.id);
    if (g.id === row.id || kept.length === members.length) return [];
    return [db.update(channels).set({ value: JSON.stringify(kept.join(",")) }).where(eq(channels.id, g.id))];
  });
  // Each affected check's DO keeps its channel list in its configuration: bump their catalog
  // versions (so each DO applies the new list after any earlier update) in the same batch that
  // drops the assignments, then configure them again.
  const assignedChecks = db.select({ id: checkChannels.check_id }).from(checkChannels).where(eq(checkChannels.channel_id, row.id));
  const [affected] = await db.batch([
    db
      .update(checks)
      .set({ version: sql`${checks.version} + 1` })
      .where(and(inArray(checks.id, assignedChecks), eq(checks.project_id, row.project_id), isNull(checks.deleted_at)))
      .returning(),
    db.delete(checkChannels).where(eq(checkChannels.channel_id, row.id)),
    db.delete(channels).where(and(eq(channels.id, row.id), eq(channels.project_id, row.project_id))),
    ...groupUpdates,
  ]);
  const origin = new URL(c.req.url).origin;
  await Promise.all(affected.map((check) => reconfigure(c.env, check, origin)));
  return c.json(channelSummary(row));
});

function parseGroupValue(stored: string): string[] {
  try {
    const v: unknown = JSON.parse(stored);
    return typeof v === "string" && v !== "" ? v.split(",") : [];
  } catch {
    return [];
  }
}

managementApi.use("/channels/:id/test", cors("POST"));
managementApi.post("/channels/:id/test", requireWrite, async (c) => {
  const channel = await ownChannel(c);
  return c.json(await sendTestNotification(c.env, channel, new URL(c.req.url).origin));
});

managementApi.use("/badges/", cors("GET"));
managementApi.get("/badges/", requireRead, async (c) => {
  const projectId = c.get("projectId");
  const db = drizzle(c.env.DB);
  const project = await db.select({ badgeKey: projects.badge_key }).from(projects).where(eq(projects.id, projectId)).get();
  if (project === undefined) throw new HttpError(404, "not found");
  const rows = await db
    .select({ tags: checks.tags })
    .from(checks)
    .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
    .all();
  const tags = [...new Set(rows.flatMap((r) => r.tags.split(/\s+/).filter((t) => t !== "")))].sort();
  const conf = config(c.env, new URL(c.req.url).origin);
  const badges: Record<string, BadgeUrls> = {};
  for (const tag of [...tags, "*"]) badges[tag] = await badgeUrls(conf.siteRoot, project.badgeKey, conf.secretKey, tag);
  return c.json({ badges });
});

// Readiness, as Healthchecks: answers OK only when the database answers (a D1 failure is a 500).
managementApi.get("/status/", async (c) => {
  await c.env.DB.prepare("SELECT 1").first();
  return c.text("OK");
});

