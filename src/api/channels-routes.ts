// Notification channels (beyond Healthchecks' API, which can only list them): create, read, update,
// delete, and send a test notification.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { storedAddress } from "../alerts/email-links";
import { sendTestNotification } from "../alerts/test-notification";
import type { ChannelValue } from "../alerts/types";
import { takeSend, type SendKind } from "../alerts/send-limits";
import { sendVerificationEmail } from "../alerts/verification";
import { reconfigure } from "../checks/client";
import { isoString } from "../checks/render";
import { config } from "../config";
import { channelSends, channels, checkChannels, checks } from "../db/schema";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { cors, requireWrite, type ApiEnv } from "./auth";
import { isChannelKind, maskChannelValue } from "../alerts/channel-kinds";
import { channelCreateSchema, channelUpdateSchema } from "./channel-spec";
import { ownChannel, type C } from "./shared";

export const channelsApi = new Hono<ApiEnv>();

channelsApi.use("/channels/", cors("GET, POST"));
channelsApi.get("/channels/", requireWrite, async (c) => {
  const rows = await drizzle(c.env.DB)
    .select({ id: channels.id, name: channels.name, kind: channels.kind })
    .from(channels)
    .where(eq(channels.project_id, c.get("projectId")))
    .orderBy(asc(channels.created), asc(channels.id))
    .all();
  return c.json({ channels: rows });
});

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

/** Counts one send of `kind` for the channel, or answers 429 when its hourly allowance is spent. */
async function allowSend(c: C, channelId: string, kind: SendKind): Promise<Response | null> {
  const retryAfter = await takeSend(c.env.DB, channelId, kind);
  if (retryAfter === null) return null;
  const what = kind === "test" ? "test notifications" : "verification emails";
  return c.json({ error: `too many ${what} for this channel; try again in ${retryAfter} s` }, 429, { "Retry-After": String(retryAfter) });
}

/** Mails the verification link after answering; the outcome is only logged. */
function verifyLater(c: C, channelId: string, address: string): void {
  c.executionCtx.waitUntil(sendVerificationEmail(c.env, channelId, address, new URL(c.req.url).origin));
}

channelsApi.post("/channels/", requireWrite, async (c) => {
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
  if (verify) {
    // The first link counts towards the channel's hourly allowance (a new channel is never over it).
    await takeSend(c.env.DB, row.id, "verification");
    verifyLater(c, row.id, (spec.value as ChannelValue<"email">).value);
  }
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

channelsApi.use("/channels/:id", cors("POST, DELETE, GET"));
// Beyond Healthchecks: one channel with its value (secrets masked) and how its deliveries went.
channelsApi.get("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  const [attached, newest] = await c.env.DB.batch([
    c.env.DB.prepare(
      `SELECT c.id FROM check_channels cc JOIN checks c ON c.id = cc.check_id
       WHERE cc.channel_id = ? AND c.project_id = ? AND c.deleted_at IS NULL ORDER BY c.created, c.id`,
    ).bind(row.id, row.project_id),
    // The newest delivery that was attempted or is being attempted (a superseded one never was).
    c.env.DB.prepare(
      `SELECT status FROM notifications WHERE channel_id = ? AND project_id = ? AND status != 'superseded'
       ORDER BY created DESC, updated DESC LIMIT 1`,
    ).bind(row.id, row.project_id),
  ]);
  const status = (newest!.results[0] as { status: string } | undefined)?.status;
  return c.json({
    id: row.id,
    name: row.name,
    kind: row.kind,
    value: maskChannelValue(row.kind, row.value),
    disabled: row.disabled,
    email_verified: row.email_verified,
    last_error: row.last_error,
    last_notify: isoString(row.last_notify),
    last_notify_duration_ms: row.last_notify_duration,
    last_result: status === undefined ? null : status === "sent" || status === "failed" ? status : "retrying",
    checks: (attached!.results as { id: string }[]).map((r) => r.id),
  });
});
channelsApi.post("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  if (!isChannelKind(row.kind)) throw new HttpError(400, "json validation error: kind cannot be edited through the API");
  const spec = parseBody(channelUpdateSchema(row.kind), c.get("body"));
  if (row.kind === "group" && spec.value !== undefined) await checkGroupMembers(c.env, row.project_id, spec.value as string);
  const reverify = emailReverification(c.env, row, spec.value);
  // Before anything changes: a refused re-send leaves the channel as it was.
  if (reverify.send !== null) {
    const refused = await allowSend(c, row.id, "verification");
    if (refused !== null) return refused;
  }
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

channelsApi.delete("/channels/:id", requireWrite, async (c) => {
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
    db.delete(channelSends).where(eq(channelSends.channel_id, row.id)),
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

channelsApi.use("/channels/:id/test", cors("POST"));
channelsApi.post("/channels/:id/test", requireWrite, async (c) => {
  const channel = await ownChannel(c);
  const refused = await allowSend(c, channel.id, "test");
  if (refused !== null) return refused;
  return c.json(await sendTestNotification(c.env, channel, new URL(c.req.url).origin));
});

