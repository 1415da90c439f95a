// Delivers one flip to its channels: expand, claim each (flip, channel), render, send, record.
// Safe to run any number of times for the same flip: delivered pairs are skipped.
import type { ChannelKind } from "../api/channel-spec";
import type { CheckSnapshot } from "../checks/check-do";
import { config } from "../config";
import { claimMany, settleMany, type ClaimKey, type Settled } from "./claims";
import { sendRequest, type SendResult } from "./http";
import { unsubscribeUrl } from "./email-links";
import { ehloNameFor, sendMail, smtpConfig } from "./smtp";
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
  /** 0 for an email channel whose address is not confirmed yet. */
  email_verified: number;
  last_notify_duration: number | null;
}

/** null: nothing left to do; otherwise the message must come back after this many ms. */
export type DeliveryOutcome = { retryInMs: number | null; snapshotMissing?: boolean };

const CHANNEL_COLS = "id, name, kind, value, disabled, email_verified, last_notify_duration";

interface FlipContext {
  snapshot: CheckSnapshot | null;
  channels: ChannelRow[];
  otherDown: OtherDownCheck[];
}

/** Binds a list of ids as one parameter (D1 caps bound parameters per statement). */
const IN_IDS = "SELECT value FROM json_each(?)";

/**
 * Everything a batch's deliveries read, in one D1 round trip however many flips: their snapshots, the
 * channels to notify and each project's other down checks (one more only for deleted checks and
 * groups). Channels are those assigned to the check now (Healthchecks' send-time rule) or — if the
 * check was deleted since the flip — those it had at flip time that still exist. Groups expand to
 * their members; disabled channels are skipped; the fastest go first.
 */
async function loadFlips(db: D1Database, msgs: AlertMessage[]): Promise<FlipContext[]> {
  const flipIds = JSON.stringify(msgs.map((m) => m.flip_id));
  const checkIds = JSON.stringify([...new Set(msgs.map((m) => m.check_id))]);
  const projectIds = [...new Set(msgs.map((m) => m.project_id))];
  const [snapRows, liveRows, assignedRows, ...downRows] = await db.batch([
    db.prepare(`SELECT id, snapshot FROM alert_flips WHERE id IN (${IN_IDS})`).bind(flipIds),
    db.prepare(`SELECT id FROM checks WHERE id IN (${IN_IDS}) AND deleted_at IS NULL`).bind(checkIds),
    db
      .prepare(
        `SELECT cc.check_id, c.project_id, ${CHANNEL_COLS.split(", ").map((col) => `c.${col}`).join(", ")}
         FROM check_channels cc JOIN channels c ON c.id = cc.channel_id WHERE cc.check_id IN (${IN_IDS})`,
      )
      .bind(checkIds),
    // Ten others per flip: one more than ten, as the flip's own check may be among them.
    ...projectIds.map((p) =>
      db
        .prepare("SELECT name, id FROM checks WHERE project_id = ? AND status = 'down' AND deleted_at IS NULL ORDER BY name, id LIMIT 11")
        .bind(p),
    ),
  ]);
  const snapshots = new Map((snapRows!.results as { id: string; snapshot: string }[]).map((r) => [r.id, r.snapshot]));
  const live = new Set((liveRows!.results as { id: string }[]).map((r) => r.id));
  const assigned = assignedRows!.results as (ChannelRow & { check_id: string; project_id: string })[];
  const downByProject = new Map(projectIds.map((p, i) => [p, downRows[i]!.results as { name: string; id: string }[]]));

  const contexts = msgs.map((msg): FlipContext & { rows: ChannelRow[] } => {
    const raw = snapshots.get(msg.flip_id);
    const snapshot = raw === undefined ? null : (JSON.parse(raw) as CheckSnapshot);
    const otherDown = downByProject
      .get(msg.project_id)!
      .filter((r) => r.id !== msg.check_id)
      .slice(0, 10)
      .map((r) => ({ name: r.name || r.id, down_since: null }));
    const rows = assigned.filter((r) => r.check_id === msg.check_id && r.project_id === msg.project_id);
    return { snapshot, channels: [], otherDown, rows };
  });
  // Deleted checks fall back to their snapshot's channels; groups add their members.
  const wanted = (ctx: (typeof contexts)[number], i: number): string[] =>
    ctx.snapshot !== null && !live.has(msgs[i]!.check_id) ? String(ctx.snapshot.check.channels ?? "").split(",").filter((id) => id !== "") : [];
  const fallbackIds = contexts.flatMap(wanted);
  const memberIds = (rows: ChannelRow[]) => rows.filter((r) => r.kind === "group").flatMap((g) => String(JSON.parse(g.value)).split(","));
  const extra = await channelsById(db, [...fallbackIds, ...contexts.flatMap((c) => memberIds(c.rows))]);
  const byId = (ids: string[], projectId: string) => ids.flatMap((id) => extra.filter((r) => r.id === id && r.project_id === projectId));
  return contexts.map((ctx, i) => {
    const msg = msgs[i]!;
    if (ctx.snapshot === null) return { snapshot: null, channels: [], otherDown: ctx.otherDown };
    let rows = live.has(msg.check_id) ? ctx.rows : byId(wanted(ctx, i), msg.project_id);
    const members = byId(memberIds(rows), msg.project_id).filter((r) => r.kind !== "group");
    rows = [...rows, ...members];
    const unique = new Map(rows.filter((r) => r.kind !== "group" && r.disabled === 0).map((r) => [r.id, r]));
    const channels = [...unique.values()].sort(
      (a, b) => (a.last_notify_duration ?? Infinity) - (b.last_notify_duration ?? Infinity),
    );
    return { snapshot: ctx.snapshot, channels, otherDown: ctx.otherDown };
  });
}

async function channelsById(db: D1Database, ids: string[]): Promise<(ChannelRow & { project_id: string })[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT project_id, ${CHANNEL_COLS} FROM channels WHERE id IN (${IN_IDS})`)
    .bind(JSON.stringify([...new Set(ids)]))
    .all<ChannelRow & { project_id: string }>();
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
  const flips = await loadFlips(env.DB, msgs.map((m) => m.body));
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
  // D1 allows 1,000 queries per invocation: reading took 4 plus one per project, each pair costs 3 more
  // (claim, and the outcome on the claim and on the channel). Messages past the budget come back at once.
  const afterReading = D1_QUERY_BUDGET - 4 - new Set(msgs.map((m) => m.body.project_id)).size;
  let budget = afterReading;
  const deferred = new Set<number>();
  for (const m of new Set(owner)) {
    const cost = 3 * owner.filter((o) => o === m).length;
    if (cost > budget && budget < afterReading) deferred.add(m);
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

async function prepare(env: Env, ctx: AlertContext, channel: Job["channel"]): Promise<Prepared> {
  const { kind } = channel;
  const value: unknown = JSON.parse(channel.value);
  if (kind === "email") {
    // Email is not HTTP: rendered by transports/email.ts, sent over SMTP; failures never disable it.
    const unsubscribe = await unsubscribeUrl(ctx.siteRoot, config(env).secretKey, channel.id);
    const message = buildEmail(ctx, value as ChannelValue<"email">, unsubscribe);
    if (message === null) return null;
    // An address nobody confirmed gets nothing (Healthchecks' rule): failed, never retried.
    if (channel.email_verified === 0) return { unavailable: "Email not verified" };
    const smtp = smtpConfig(env);
    if (smtp === null) return { unavailable: "email notifications are not enabled." };
    const mail = { from: addressOf(smtp.from), to: message.to, data: toMime(message, smtp.from) };
    return { send: () => sendMail(smtp, mail, { ehloName: ehloNameFor(ctx.siteRoot) }), disables: () => false };
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
  channel: Pick<ChannelRow, "id" | "kind" | "value" | "email_verified">;
  attempt: number;
}

/**
 * One attempt at many (flip, channel) pairs: claim them all in one D1 round trip, send side by side,
 * record all outcomes in one more. Per job: when its message should come back (ms), or null.
 */
export async function deliverMany(env: Env, jobs: Job[]): Promise<(number | null)[]> {
  const prepared = await Promise.all(jobs.map((j) => prepare(env, j.ctx, j.channel)));
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
