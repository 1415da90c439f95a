// Delivers one flip to its channels: expand, claim each (flip, channel), render, send, record.
// Safe to run any number of times for the same flip: delivered pairs are skipped.
import type { ChannelKind } from "../api/channel-spec";
import type { CheckSnapshot } from "../checks/check-do";
import { config } from "../config";
import { claim, settle, type ClaimKey } from "./claims";
import { sendRequest, type SendResult } from "./http";
import { sendMail, smtpConfig } from "./smtp";
import { addressOf, buildEmail, toMime } from "./transports/email";
import { buildRequest, isPermanentFailure, TransportUnavailable } from "./registry";
import type { AlertContext, ChannelValue, OtherDownCheck } from "./types";

export interface AlertMessage {
  flip_id: string;
  check_id: string;
  project_id: string;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: string;
  value: string;
  disabled: number;
  last_notify_duration: number | null;
}

/** null: nothing left to do; otherwise the message must come back after this many ms. */
export type DeliveryOutcome = { retryInMs: number | null; snapshotMissing?: boolean };

async function loadSnapshot(db: D1Database, flipId: string): Promise<CheckSnapshot | null> {
  const row = await db.prepare("SELECT snapshot FROM alert_flips WHERE id = ?").bind(flipId).first<{ snapshot: string }>();
  return row === null ? null : (JSON.parse(row.snapshot) as CheckSnapshot);
}

/**
 * The channels to notify: those assigned to the check now (Healthchecks' send-time rule), or — if
 * the check was deleted since the flip — those it had at flip time that still exist. Groups expand
 * to their members. Disabled channels are skipped; the fastest channels go first.
 */
async function channelsFor(db: D1Database, snap: CheckSnapshot): Promise<ChannelRow[]> {
  const live = await db.prepare("SELECT 1 FROM checks WHERE id = ? AND deleted_at IS NULL").bind(snap.check_id).first();
  const cols = "id, name, kind, value, disabled, last_notify_duration";
  let rows: ChannelRow[];
  if (live !== null) {
    rows = (
      await db
        .prepare(`SELECT ${cols} FROM channels WHERE project_id = ? AND id IN (SELECT channel_id FROM check_channels WHERE check_id = ?)`)
        .bind(snap.project_id, snap.check_id)
        .all<ChannelRow>()
    ).results;
  } else {
    const ids = String(snap.check.channels ?? "").split(",").filter((id) => id !== "");
    rows = ids.length === 0 ? [] : (
      await db
        .prepare(`SELECT ${cols} FROM channels WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))`)
        .bind(snap.project_id, JSON.stringify(ids))
        .all<ChannelRow>()
    ).results;
  }
  const groupMembers = rows.filter((r) => r.kind === "group").flatMap((g) => String(JSON.parse(g.value)).split(","));
  if (groupMembers.length > 0) {
    const members = await db
      .prepare(`SELECT ${cols} FROM channels WHERE project_id = ? AND kind != 'group' AND id IN (SELECT value FROM json_each(?))`)
      .bind(snap.project_id, JSON.stringify(groupMembers))
      .all<ChannelRow>();
    rows = [...rows, ...members.results];
  }
  const unique = new Map(rows.filter((r) => r.kind !== "group" && r.disabled === 0).map((r) => [r.id, r]));
  return [...unique.values()].sort((a, b) => (a.last_notify_duration ?? Infinity) - (b.last_notify_duration ?? Infinity));
}

async function otherDown(db: D1Database, snap: CheckSnapshot): Promise<OtherDownCheck[]> {
  const { results } = await db
    .prepare(
      `SELECT name, id FROM checks WHERE project_id = ? AND id != ? AND status = 'down' AND deleted_at IS NULL
       ORDER BY name, id LIMIT 10`,
    )
    .bind(snap.project_id, snap.check_id)
    .all<{ name: string; id: string }>();
  return results.map((r) => ({ name: r.name || r.id, down_since: null }));
}

function siteRootOf(env: Env, snap: CheckSnapshot): string {
  const configured = config(env).siteRoot;
  if (configured !== "") return configured;
  try {
    return new URL(String(snap.check.badge_url)).origin;
  } catch {
    return "";
  }
}

/** Retry delays: two quick ones (receivers that blip), then doubling: 1 s, 3 s, 10 s, 20 s, … 640 s. */
export function retryDelayMs(attempt: number): number {
  const quick = [1000, 3000];
  return attempt <= quick.length ? quick[attempt - 1]! : 10_000 * 2 ** (attempt - 3);
}

export async function deliverFlip(env: Env, msg: AlertMessage, attempt: number): Promise<DeliveryOutcome> {
  const snap = await loadSnapshot(env.DB, msg.flip_id);
  if (snap === null) return { retryInMs: retryDelayMs(attempt), snapshotMissing: true };
  const channels = await channelsFor(env.DB, snap);
  const down = await otherDown(env.DB, snap);
  let retryInMs: number | null = null;
  const later = (ms: number) => (retryInMs = retryInMs === null ? ms : Math.min(retryInMs, ms));

  for (const ch of channels) {
    const ctx: AlertContext = {
      snapshot: snap,
      channelId: ch.id,
      channelName: ch.name,
      idempotencyKey: `${snap.flip_id}:${ch.id}`,
      siteRoot: siteRootOf(env, snap),
      siteName: "edgechecks",
      otherDown: down,
      test: false,
    };
    const retry = await deliverToChannel(env, ctx, ch, attempt);
    if (retry !== null) later(retry);
  }
  return { retryInMs };
}

/** How to send one alert to one channel, or why it cannot be sent; null = nothing to send (a no-op direction). */
type Prepared = { send: () => Promise<SendResult>; disables: (r: SendResult) => boolean } | { unavailable: string } | null;

async function prepare(env: Env, ctx: AlertContext, kind: string, value: unknown): Promise<Prepared> {
  if (kind === "email") {
    // Email is not HTTP: rendered by transports/email.ts, sent over SMTP; failures never disable it.
    const message = buildEmail(ctx, value as ChannelValue<"email">);
    if (message === null) return null;
    const smtp = smtpConfig(env);
    if (smtp === null) return { unavailable: "email notifications are not enabled." };
    let ehloName = "localhost";
    try {
      ehloName = new URL(ctx.siteRoot).hostname || ehloName;
    } catch {
      // no site root
    }
    const mail = { from: addressOf(smtp.from), to: message.to, data: toMime(message, smtp.from) };
    return { send: () => sendMail(smtp, mail, { ehloName }), disables: () => false };
  }
  try {
    const request = await buildRequest(env, kind as ChannelKind, ctx, value);
    if (request === null) return null;
    const allowPrivate = config(env).allowPrivateIps;
    return {
      send: () => sendRequest(request, ctx.idempotencyKey, allowPrivate),
      disables: (r) => isPermanentFailure(kind as ChannelKind, r.status),
    };
  } catch (err) {
    if (err instanceof TransportUnavailable) return { unavailable: err.message };
    throw err;
  }
}

/**
 * One attempt at one (flip, channel) pair: claim it, send, record the outcome. Returns when the
 * message should come back (ms), or null when this pair needs nothing more.
 */
export async function deliverToChannel(
  env: Env,
  ctx: AlertContext,
  ch: Pick<ChannelRow, "id" | "kind" | "value">,
  attempt: number,
): Promise<number | null> {
  const prepared = await prepare(env, ctx, ch.kind, JSON.parse(ch.value));
  // A direction the channel does not want (Healthchecks' no-op) leaves no trace.
  if (prepared === null) return null;
  const snap = ctx.snapshot;
  const key: ClaimKey = { flipId: snap.flip_id, channelId: ch.id, checkId: snap.check_id, projectId: snap.project_id };
  const now = Date.now();
  const claimed = await claim(env.DB, key, now);
  if (claimed.kind === "done") return null;
  if (claimed.kind === "busy") return claimed.retryInMs;
  if ("unavailable" in prepared) {
    await settle(env.DB, key, "failed", prepared.unavailable, now, Date.now(), false);
    return null;
  }
  const result = await prepared.send();
  const disable = !result.ok && prepared.disables(result);
  const outcome = result.ok ? "sent" : result.permanent || disable ? "failed" : "retry";
  await settle(env.DB, key, outcome, result.error, now, Date.now(), disable);
  return outcome === "retry" ? retryDelayMs(attempt) : null;
}
