// Delivers one flip to its channels: expand, claim each (flip, channel), render, send, record.
// Safe to run any number of times for the same flip: delivered pairs are skipped.
import type { ChannelKind } from "../api/channel-spec";
import type { CheckSnapshot } from "../checks/check-do";
import { config } from "../config";
import { claimMany, settleMany, type ClaimKey, type Settled } from "./claims";
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

const CHANNEL_COLS = "id, name, kind, value, disabled, last_notify_duration";

interface FlipContext {
  snapshot: CheckSnapshot | null;
  channels: ChannelRow[];
  otherDown: OtherDownCheck[];
}

/**
 * Everything a flip's delivery reads, in one D1 round trip: its snapshot, the channels to notify and
 * the project's other down checks. Channels are those assigned to the check now (Healthchecks'
 * send-time rule) or — if the check was deleted since the flip — those it had at flip time that still
 * exist. Groups expand to their members; disabled channels are skipped; the fastest go first.
 */
async function loadFlip(db: D1Database, msg: AlertMessage): Promise<FlipContext> {
  const [snapRows, liveRows, assigned, down] = await db.batch([
    db.prepare("SELECT snapshot FROM alert_flips WHERE id = ?").bind(msg.flip_id),
    db.prepare("SELECT 1 AS live FROM checks WHERE id = ? AND deleted_at IS NULL").bind(msg.check_id),
    db
      .prepare(`SELECT ${CHANNEL_COLS} FROM channels WHERE project_id = ? AND id IN (SELECT channel_id FROM check_channels WHERE check_id = ?)`)
      .bind(msg.project_id, msg.check_id),
    db
      .prepare(
        `SELECT name, id FROM checks WHERE project_id = ? AND id != ? AND status = 'down' AND deleted_at IS NULL
         ORDER BY name, id LIMIT 10`,
      )
      .bind(msg.project_id, msg.check_id),
  ]);
  const raw = (snapRows!.results[0] as { snapshot: string } | undefined)?.snapshot;
  const snapshot = raw === undefined ? null : (JSON.parse(raw) as CheckSnapshot);
  const otherDown = (down!.results as { name: string; id: string }[]).map((r) => ({ name: r.name || r.id, down_since: null }));
  if (snapshot === null) return { snapshot, channels: [], otherDown };
  let rows = assigned!.results as unknown as ChannelRow[];
  if (liveRows!.results.length === 0) {
    const ids = String(snapshot.check.channels ?? "").split(",").filter((id) => id !== "");
    rows = await channelsById(db, msg.project_id, ids, false);
  }
  const members = rows.filter((r) => r.kind === "group").flatMap((g) => String(JSON.parse(g.value)).split(","));
  if (members.length > 0) rows = [...rows, ...(await channelsById(db, msg.project_id, members, true))];
  const unique = new Map(rows.filter((r) => r.kind !== "group" && r.disabled === 0).map((r) => [r.id, r]));
  const channels = [...unique.values()].sort((a, b) => (a.last_notify_duration ?? Infinity) - (b.last_notify_duration ?? Infinity));
  return { snapshot, channels, otherDown };
}

async function channelsById(db: D1Database, projectId: string, ids: string[], excludeGroups: boolean): Promise<ChannelRow[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT ${CHANNEL_COLS} FROM channels WHERE project_id = ? ${excludeGroups ? "AND kind != 'group'" : ""}
       AND id IN (SELECT value FROM json_each(?))`,
    )
    .bind(projectId, JSON.stringify(ids))
    .all<ChannelRow>();
  return results;
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

/** D1 queries one consumer invocation may spend (D1 allows 1,000 per invocation). */
const D1_QUERY_BUDGET = 900;

/** Delivers a queue batch: every flip's channels claimed, sent and recorded together. */
export async function deliverFlips(env: Env, msgs: { body: AlertMessage; attempts: number }[]): Promise<DeliveryOutcome[]> {
  const flips = await Promise.all(msgs.map((m) => loadFlip(env.DB, m.body)));
  const jobs: Job[] = [];
  const owner: number[] = [];
  flips.forEach(({ snapshot: snap, channels, otherDown }, m) => {
    if (snap === null) return;
    const siteRoot = siteRootOf(env, snap);
    for (const ch of channels) {
      owner.push(m);
      jobs.push({
        ctx: {
          snapshot: snap,
          channelId: ch.id,
          channelName: ch.name,
          idempotencyKey: `${snap.flip_id}:${ch.id}`,
          siteRoot,
          siteName: "edgechecks",
          otherDown,
          test: false,
        },
        channel: ch,
        attempt: msgs[m]!.attempts,
      });
    }
  });
  // D1 allows 1,000 queries per invocation: 4 were spent per message reading, each pair costs 3 more
  // (claim, and the outcome on the claim and on the channel). Messages past the budget come back at once.
  let budget = D1_QUERY_BUDGET - 4 * msgs.length;
  const deferred = new Set<number>();
  for (const m of new Set(owner)) {
    const cost = 3 * owner.filter((o) => o === m).length;
    if (cost > budget && budget < D1_QUERY_BUDGET - 4 * msgs.length) deferred.add(m);
    else budget -= cost;
  }
  const kept = jobs.filter((_, j) => !deferred.has(owner[j]!));
  const keptOwner = owner.filter((o) => !deferred.has(o));
  const retries = await deliverMany(env, kept);
  return msgs.map((m, i): DeliveryOutcome => {
    if (flips[i]!.snapshot === null) return { retryInMs: retryDelayMs(m.attempts), snapshotMissing: true };
    if (deferred.has(i)) return { retryInMs: 0 };
    const mine = retries.filter((r, j): r is number => keptOwner[j] === i && r !== null);
    return { retryInMs: mine.length === 0 ? null : Math.min(...mine) };
  });
}

/** One flip (a single queue message). */
export async function deliverFlip(env: Env, msg: AlertMessage, attempt: number): Promise<DeliveryOutcome> {
  return (await deliverFlips(env, [{ body: msg, attempts: attempt }]))[0]!;
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

export interface Job {
  ctx: AlertContext;
  channel: Pick<ChannelRow, "id" | "kind" | "value">;
  attempt: number;
}

/**
 * One attempt at many (flip, channel) pairs: claim them all in one D1 round trip, send side by side,
 * record all outcomes in one more. Per job: when its message should come back (ms), or null.
 */
export async function deliverMany(env: Env, jobs: Job[]): Promise<(number | null)[]> {
  const prepared = await Promise.all(jobs.map((j) => prepare(env, j.ctx, j.channel.kind, JSON.parse(j.channel.value))));
  // A direction the channel does not want (Healthchecks' no-op) leaves no trace.
  const live = jobs.flatMap((job, i) => (prepared[i] === null ? [] : [{ job, i, prep: prepared[i]! }]));
  const keys: ClaimKey[] = live.map(({ job }) => {
    const snap = job.ctx.snapshot;
    return { flipId: snap.flip_id, channelId: job.channel.id, checkId: snap.check_id, projectId: snap.project_id };
  });
  const started = Date.now();
  const claims = await claimMany(env.DB, keys, started);
  const retries: (number | null)[] = jobs.map(() => null);
  const settled: Settled[] = [];
  await Promise.all(
    live.map(async ({ job, i, prep }, n) => {
      const claimed = claims[n]!;
      if (claimed.kind === "done") return;
      if (claimed.kind === "busy") {
        retries[i] = claimed.retryInMs;
        return;
      }
      if ("unavailable" in prep) {
        settled.push({ key: keys[n]!, outcome: "failed", error: prep.unavailable, started, disableChannel: false });
        return;
      }
      const result = await prep.send();
      const disable = !result.ok && prep.disables(result);
      const outcome = result.ok ? "sent" : result.permanent || disable ? "failed" : "retry";
      settled.push({ key: keys[n]!, outcome, error: result.error, started, disableChannel: disable });
      if (outcome === "retry") retries[i] = retryDelayMs(job.attempt);
    }),
  );
  await settleMany(env.DB, settled, Date.now());
  return retries;
}
