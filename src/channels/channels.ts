// Notification channels of a project: lookups, how they are shown, and every change to them (create,
// update, delete, test), for the Management API's channel routes and the dashboard's integrations
// alike. Request shapes are validated before (src/api/channel-spec.ts); the rules after validation
// (group members, email confirmation, send allowances, detaching from checks) live here once.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { maskChannelValue } from "../alerts/channel-kinds";
import { storedAddress } from "../alerts/email-links";
import { takeSend, type SendKind } from "../alerts/send-limits";
import { sendTestNotification, type TestOutcome } from "../alerts/test-notification";
import type { ChannelValue } from "../alerts/types";
import { sendVerificationEmail } from "../alerts/verification";
import type { ChannelCreate, ChannelUpdate } from "../api/channel-spec";
import { reconfigure } from "../checks/client";
import { isoString } from "../checks/render";
import type { CheckRow } from "../checks/repository";
import { config } from "../config";
import { channelSends, channels, checkChannels, checks } from "../db/schema";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";

export type ChannelRow = typeof channels.$inferSelect;

/** Work that may finish after the answer (the Worker's waitUntil). */
export type Later = (work: Promise<unknown>) => void;

/** A channel of the project by id; undefined for a malformed, unknown or another project's id alike. */
export async function projectChannel(env: Env, projectId: string, id: string): Promise<ChannelRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  return drizzle(env.DB)
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.project_id, projectId)))
    .get();
}

export const channelSummary = (r: { id: string; name: string; kind: string }) => ({ id: r.id, name: r.name, kind: r.kind });

/** The project's channels as Healthchecks' API lists them, in creation order. */
export async function listChannels(env: Env, projectId: string) {
  return drizzle(env.DB)
    .select({ id: channels.id, name: channels.name, kind: channels.kind })
    .from(channels)
    .where(eq(channels.project_id, projectId))
    .orderBy(asc(channels.created), asc(channels.id))
    .all();
}

/**
 * The project's channels (or the one with `channelId`) with their value (secrets masked), state,
 * last delivery and assigned checks, in creation order: three queries, however many channels.
 */
export async function describeChannels(env: Env, projectId: string, channelId?: string) {
  const one = channelId ?? null;
  const [rows, attached, newest] = await env.DB.batch([
    env.DB.prepare("SELECT * FROM channels WHERE project_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY created, id").bind(projectId, one),
    env.DB.prepare(
      `SELECT cc.channel_id, c.id FROM check_channels cc JOIN checks c ON c.id = cc.check_id
       WHERE c.project_id = ?1 AND c.deleted_at IS NULL AND (?2 IS NULL OR cc.channel_id = ?2) ORDER BY c.created, c.id`,
    ).bind(projectId, one),
    // Per channel, the newest delivery that was attempted or is being attempted (a superseded one never was).
    env.DB.prepare(
      `SELECT channel_id, status FROM (
         SELECT channel_id, status, row_number() OVER (PARTITION BY channel_id ORDER BY created DESC, updated DESC) AS k
         FROM notifications WHERE project_id = ?1 AND status != 'superseded' AND (?2 IS NULL OR channel_id = ?2))
       WHERE k = 1`,
    ).bind(projectId, one),
  ]);
  const checksOf = new Map<string, string[]>();
  for (const r of attached!.results as { channel_id: string; id: string }[]) checksOf.set(r.channel_id, [...(checksOf.get(r.channel_id) ?? []), r.id]);
  const lastStatus = new Map((newest!.results as { channel_id: string; status: string }[]).map((r) => [r.channel_id, r.status]));
  return (rows!.results as Record<string, unknown>[]).map((raw) => {
    const row = raw as { id: string; name: string; kind: string; value: string; disabled: number; email_verified: number; last_error: string; last_notify: number | null; last_notify_duration: number | null };
    const status = lastStatus.get(row.id);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      value: maskChannelValue(row.kind, row.value),
      disabled: row.disabled === 1,
      email_verified: row.email_verified === 1,
      last_error: row.last_error,
      last_notify: isoString(row.last_notify),
      last_notify_duration_ms: row.last_notify_duration,
      last_result: status === undefined ? null : status === "sent" || status === "failed" ? (status as "sent" | "failed") : ("retrying" as const),
      checks: checksOf.get(row.id) ?? [],
    };
  });
}

export type ChannelDetails = Awaited<ReturnType<typeof describeChannels>>[number];

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

/** Counts one send of `kind` for the channel, or refuses it (429 with Retry-After) when its hourly allowance is spent. */
async function allowSend(env: Env, channelId: string, kind: SendKind): Promise<void> {
  const retryAfter = await takeSend(env.DB, channelId, kind);
  if (retryAfter === null) return;
  const what = kind === "test" ? "test notifications" : "verification emails";
  throw new HttpError(429, `too many ${what} for this channel; try again in ${retryAfter} s`, { "Retry-After": String(retryAfter) });
}

/** Mails the verification link after answering; the outcome is only logged. */
function verifyLater(env: Env, later: Later, channelId: string, address: string, origin: string): void {
  later(sendVerificationEmail(env, channelId, address, origin));
}

/** Objects configured at once when a channel change touches many checks. */
const RECONFIGURE_BATCH = 50;

/**
 * Each of these checks keeps its channel list in its object's configuration: their catalog
 * versions were bumped in the batch that changed the assignments, so configure them again. The
 * catalog is already right, so an object that cannot take it now is left to the sweeper, which
 * re-applies every version an object missed.
 */
async function reconfigureAll(env: Env, affected: CheckRow[], origin: string): Promise<void> {
  for (let i = 0; i < affected.length; i += RECONFIGURE_BATCH) {
    const results = await Promise.allSettled(affected.slice(i, i + RECONFIGURE_BATCH).map((check) => reconfigure(env, check, origin)));
    results.forEach((r, j) => {
      if (r.status === "rejected") console.error(`check ${affected[i + j]!.id}: its object did not take its new channels; the sweeper will`, r.reason);
    });
  }
}

/**
 * Creates a channel. An email address is confirmed by a mailed link first (when the site asks for
 * confirmation). With `assignAllChecks` (Healthchecks' web UI) every check of the project gets it.
 */
export async function createChannel(
  env: Env,
  projectId: string,
  spec: ChannelCreate,
  o: { origin: string; later: Later; assignAllChecks?: boolean },
): Promise<ChannelRow> {
  if (spec.kind === "group") await checkGroupMembers(env, projectId, spec.value as string);
  const verify = spec.kind === "email" && config(env).emailUseVerification;
  const row: ChannelRow = {
    id: crypto.randomUUID(),
    project_id: projectId,
    name: spec.name,
    kind: spec.kind,
    value: JSON.stringify(spec.value),
    created: Date.now(),
    disabled: false,
    email_verified: !verify,
    last_notify: null,
    last_notify_duration: null,
    last_error: "",
  };
  const db = drizzle(env.DB);
  if (o.assignAllChecks) {
    const [, , affected] = await db.batch([
      db.insert(channels).values(row),
      db.insert(checkChannels).select(
        db
          .select({ check_id: checks.id, channel_id: sql<string>`${row.id}`.as("channel_id") })
          .from(checks)
          .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at))),
      ),
      db
        .update(checks)
        .set({ version: sql`${checks.version} + 1` })
        .where(and(eq(checks.project_id, projectId), isNull(checks.deleted_at)))
        .returning(),
    ]);
    await reconfigureAll(env, affected, o.origin);
  } else {
    await db.insert(channels).values(row);
  }
  if (verify) {
    // The first link counts towards the channel's hourly allowance (a new channel is never over it).
    await takeSend(env.DB, row.id, "verification");
    verifyLater(env, o.later, row.id, (spec.value as ChannelValue<"email">).value, o.origin);
  }
  return row;
}

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

/** Renames a channel and/or gives it a new value (validated for its kind); answers the row as stored. */
export async function updateChannel(env: Env, row: ChannelRow, spec: ChannelUpdate, o: { origin: string; later: Later }): Promise<ChannelRow> {
  if (row.kind === "group" && spec.value !== undefined) await checkGroupMembers(env, row.project_id, spec.value as string);
  const reverify = emailReverification(env, row, spec.value);
  // Before anything changes: a refused re-send leaves the channel as it was.
  if (reverify.send !== null) await allowSend(env, row.id, "verification");
  const changes = {
    ...(spec.name === undefined ? {} : { name: spec.name }),
    // A new configuration gets a fresh start: a channel disabled after a permanent error (or an
    // unsubscribe) is enabled again.
    ...(spec.value === undefined ? {} : { value: JSON.stringify(spec.value), disabled: false, last_error: "" }),
    ...reverify.changes,
  };
  if (Object.keys(changes).length === 0) return row;
  const next = await drizzle(env.DB)
    .update(channels)
    .set(changes)
    .where(and(eq(channels.id, row.id), eq(channels.project_id, row.project_id)))
    .returning()
    .get();
  if (next === undefined) throw new HttpError(404, "not found");
  if (reverify.send !== null) verifyLater(env, o.later, next.id, reverify.send, o.origin);
  return next;
}

function parseGroupValue(stored: string): string[] {
  try {
    const v: unknown = JSON.parse(stored);
    return typeof v === "string" && v !== "" ? v.split(",") : [];
  } catch {
    return [];
  }
}

/** Deletes a channel: it is detached from its checks (their objects are configured again) and from groups. */
export async function deleteChannel(env: Env, row: ChannelRow, origin: string): Promise<void> {
  const db = drizzle(env.DB);
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
  // The affected checks' versions are bumped (so each object applies the new list after any earlier
  // update) in the same batch that drops the assignments.
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
  await reconfigureAll(env, affected, origin);
}

/** Sends a test notification through the normal path, within the channel's hourly allowance (else 429). */
export async function testChannel(env: Env, row: ChannelRow, origin: string): Promise<TestOutcome> {
  await allowSend(env, row.id, "test");
  return sendTestNotification(env, row, origin);
}
