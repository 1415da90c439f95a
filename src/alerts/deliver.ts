// Delivers queued alerts to their channels: expand, order, claim each (flip, channel), render, send,
// record. Safe to run any number of times for the same alert: settled pairs are skipped.
//
// Per (check, channel) alerts go out in the order the check created them (invariant 9 in docs/architecture.md): a
// message delivers its check's earlier unsettled alerts first, and waits while one of them waits.
// Of several alerts not yet sent, only the last is sent — and the "down" before it when it is an
// "up" the channel also wants; the others are recorded as superseded.
import type { ChannelKind } from "./channel-kinds";
import type { CheckSnapshot } from "../checks/model";
import { alertLinkRoot, config } from "../config";
import { FINAL_STATUSES, LEASE_MS, Ledger, MAX_ATTEMPTS, type ClaimKey, type Settlement } from "./claims";
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

interface StoredAlert {
  id: string;
  check_id: string;
  project_id: string;
  seq: number;
  snapshot: CheckSnapshot;
  /** null: settled. */
  watch_until: number | null;
}

/**
 * null: nothing left to do (ack); otherwise the message must come back after this many ms. `deferred`:
 * not attempted in this invocation (its D1 budget ran out); hand it over again without counting an attempt.
 */
export type DeliveryOutcome = { retryInMs: number | null; deferred?: boolean; snapshotMissing?: boolean };

const CHANNEL_COLS = "id, name, kind, value, disabled, email_verified, last_notify_duration";

/** Binds a list of ids as one parameter (D1 caps bound parameters per statement). */
const IN_IDS = "SELECT value FROM json_each(?)";

/** D1 queries one consumer invocation may spend (D1 allows 1,000 per invocation). */
const D1_QUERY_BUDGET = 900;
/** Queries per open (alert, channel) pair at most: claim, its re-read, the outcome and the channel's record. */
const QUERIES_PER_PAIR = 4;
/** An unsettled alert nobody touches for this long after its retry is due is handed to the queue again. */
const WATCH_SLACK_MS = 60_000;

/**
 * Retry delays: two quick ones (receivers that blip), then doubling from 10 s up to 2 minutes, so a
 * receiver that comes back is reached within 2 minutes: 1 s, 3 s, 10 s, 20 s, 40 s, 80 s, 120 s, ….
 */
export function retryDelayMs(attempt: number): number {
  const quick = [1000, 3000];
  return attempt <= quick.length ? quick[Math.max(1, attempt) - 1]! : Math.min(120_000, 10_000 * 2 ** (attempt - 3));
}

interface CheckAlerts {
  checkId: string;
  projectId: string;
  /** Unsettled alerts of the check, in seq order. */
  alerts: StoredAlert[];
  channels: ChannelRow[];
  otherDown: OtherDownCheck[];
}

interface Loaded {
  /** Per message: its stored alert, or null when no snapshot is stored. */
  stored: (StoredAlert | null)[];
  checks: CheckAlerts[];
}

const parseAlert = (r: Omit<StoredAlert, "snapshot"> & { snapshot: string }): StoredAlert => ({ ...r, snapshot: JSON.parse(r.snapshot) });

/**
 * Everything a batch's deliveries read, in one D1 round trip however many alerts (one more only for
 * deleted checks and groups): the messages' alerts, their checks' other unsettled alerts, the channels
 * to notify and each project's other down checks. Channels are those assigned to the check now
 * (Healthchecks' send-time rule) or — if the check was deleted since — those its latest snapshot had that
 * still exist. Groups expand to their members; disabled channels are skipped; the fastest go first.
 */
async function load(db: D1Database, msgs: AlertMessage[]): Promise<Loaded> {
  const flipIds = JSON.stringify(msgs.map((m) => m.flip_id));
  const checkIds = JSON.stringify([...new Set(msgs.map((m) => m.check_id))]);
  const projectIds = [...new Set(msgs.map((m) => m.project_id))];
  const ALERT_COLS = "id, check_id, project_id, seq, snapshot, watch_until";
  const [own, pending, liveRows, assignedRows, ...downRows] = await db.batch([
    db.prepare(`SELECT ${ALERT_COLS} FROM alert_flips WHERE id IN (${IN_IDS})`).bind(flipIds),
    db.prepare(`SELECT ${ALERT_COLS} FROM alert_flips WHERE check_id IN (${IN_IDS}) AND watch_until IS NOT NULL ORDER BY seq LIMIT 1000`).bind(checkIds),
    db.prepare(`SELECT id FROM checks WHERE id IN (${IN_IDS}) AND deleted_at IS NULL`).bind(checkIds),
    db
      .prepare(
        `SELECT cc.check_id, c.project_id, ${CHANNEL_COLS.split(", ").map((col) => `c.${col}`).join(", ")}
         FROM check_channels cc JOIN channels c ON c.id = cc.channel_id WHERE cc.check_id IN (${IN_IDS})`,
      )
      .bind(checkIds),
    // Ten others per alert: one more than ten, as the alert's own check may be among them.
    ...projectIds.map((p) =>
      db
        .prepare("SELECT name, id FROM checks WHERE project_id = ? AND status = 'down' AND deleted_at IS NULL ORDER BY name, id LIMIT 11")
        .bind(p),
    ),
  ]);
  const ownById = new Map((own!.results as (Omit<StoredAlert, "snapshot"> & { snapshot: string })[]).map((r) => [r.id, parseAlert(r)]));
  const pendingAlerts = (pending!.results as (Omit<StoredAlert, "snapshot"> & { snapshot: string })[]).map(parseAlert);
  const live = new Set((liveRows!.results as { id: string }[]).map((r) => r.id));
  const assigned = assignedRows!.results as (ChannelRow & { check_id: string; project_id: string })[];
  const downByProject = new Map(projectIds.map((p, i) => [p, downRows[i]!.results as { name: string; id: string }[]]));

  const stored = msgs.map((m) => {
    const a = ownById.get(m.flip_id);
    // A message must match its stored alert: ids from elsewhere never reach another project's channels.
    return a !== undefined && a.check_id === m.check_id && a.project_id === m.project_id ? a : null;
  });
  const checks = [...new Map(msgs.map((m) => [m.check_id, m.project_id]))].map(([checkId, projectId]): CheckAlerts & { rows: ChannelRow[]; fallback: string[] } => {
    const alerts = pendingAlerts.filter((a) => a.check_id === checkId && a.project_id === projectId);
    const latest = alerts.at(-1)?.snapshot ?? stored.find((a) => a?.check_id === checkId)?.snapshot;
    const otherDown = downByProject
      .get(projectId)!
      .filter((r) => r.id !== checkId)
      .slice(0, 10)
      .map((r) => ({ name: r.name || r.id, down_since: null }));
    const rows = live.has(checkId) ? assigned.filter((r) => r.check_id === checkId && r.project_id === projectId) : [];
    const fallback = live.has(checkId) || latest === undefined ? [] : String(latest.check.channels ?? "").split(",").filter((id) => id !== "");
    return { checkId, projectId, alerts, channels: [], otherDown, rows, fallback };
  });
  const memberIds = (rows: ChannelRow[]) => rows.filter((r) => r.kind === "group").flatMap((g) => String(JSON.parse(g.value)).split(","));
  const extraIds = checks.flatMap((c) => [...c.fallback, ...memberIds(c.rows)]);
  const extra = await channelsById(db, extraIds);
  const byId = (ids: string[], projectId: string) => ids.flatMap((id) => extra.filter((r) => r.id === id && r.project_id === projectId));
  for (const c of checks) {
    let rows = c.fallback.length > 0 ? byId(c.fallback, c.projectId) : c.rows;
    rows = [...rows, ...byId(memberIds(rows), c.projectId).filter((r) => r.kind !== "group")];
    const unique = new Map(rows.filter((r) => r.kind !== "group" && r.disabled === 0).map((r) => [r.id, r]));
    c.channels = [...unique.values()].sort((a, b) => (a.last_notify_duration ?? Infinity) - (b.last_notify_duration ?? Infinity));
  }
  return { stored, checks };
}

async function channelsById(db: D1Database, ids: string[]): Promise<(ChannelRow & { project_id: string })[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT project_id, ${CHANNEL_COLS} FROM channels WHERE id IN (${IN_IDS})`)
    .bind(JSON.stringify([...new Set(ids)]))
    .all<ChannelRow & { project_id: string }>();
  return results;
}

/** The (flip, channel) records of these alerts, keyed `<flip>:<channel>`. */
async function pairStates(ledger: Ledger, flipIds: string[]): Promise<Map<string, string>> {
  if (flipIds.length === 0) return new Map();
  const { results } = await ledger.run<{ flip_id: string; channel_id: string; status: string }>(
    ledger.db.prepare(`SELECT flip_id, channel_id, status FROM notifications WHERE flip_id IN (${IN_IDS})`).bind(JSON.stringify(flipIds)),
  );
  return new Map(results.map((r) => [`${r.flip_id}:${r.channel_id}`, r.status]));
}

/** Links of non-email alerts (email narrows it further in prepare()). */
const siteRootOf = (env: Env, snap: CheckSnapshot): string => alertLinkRoot(env, "", String(snap.check.badge_url));

/** What a transport renders one alert to one channel from. */
const contextFor = (env: Env, alert: StoredAlert, channel: ChannelRow, otherDown: OtherDownCheck[]): AlertContext => ({
  snapshot: alert.snapshot,
  channelId: channel.id,
  channelName: channel.name,
  idempotencyKey: `${alert.id}:${channel.id}`,
  siteRoot: siteRootOf(env, alert.snapshot),
  siteName: "edgechecks",
  otherDown,
  test: false,
});

/** How to send one alert to one channel, or why it cannot be sent; null = nothing to send (a no-op direction). */
type Prepared = { send: () => Promise<SendResult>; disables: (r: SendResult) => boolean } | { unavailable: string } | null;

async function prepare(env: Env, ctx: AlertContext, channel: Pick<ChannelRow, "id" | "kind" | "value" | "email_verified">): Promise<Prepared> {
  const { kind } = channel;
  try {
    const value: unknown = JSON.parse(channel.value);
    if (kind === "email") {
      // Email is not HTTP: rendered by transports/email.ts, sent over SMTP; failures never disable it.
      // Its links need SITE_ROOT; without it the mail goes out without them (and without List-Unsubscribe).
      const root = alertLinkRoot(env, "email", "");
      const mailCtx = { ...ctx, siteRoot: root };
      const unsubscribe = root === "" ? undefined : await unsubscribeUrl(root, config(env).secretKey, channel.id);
      const message = buildEmail(mailCtx, value as ChannelValue<"email">, unsubscribe);
      if (message === null) return null;
      // An address nobody confirmed gets nothing (Healthchecks' rule): failed, never retried.
      if (channel.email_verified === 0) return { unavailable: "Email not verified" };
      const smtp = smtpConfig(env);
      if (smtp === null) return { unavailable: "email notifications are not enabled." };
      const mail = { from: addressOf(smtp.from), to: message.to, data: toMime(message, smtp.from) };
      return { send: () => sendMail(smtp, mail, { ehloName: ehloNameFor(root) }), disables: () => false };
    }
    const request = await buildRequest(env, kind as ChannelKind, ctx, value);
    if (request === null) return null;
    const allowPrivate = config(env).allowPrivateIps;
    return {
      send: () => sendRequest(request, ctx.idempotencyKey, allowPrivate),
      disables: (r) => isPermanentFailure(kind as ChannelKind, r.status),
    };
  } catch (err) {
    // One channel that cannot be rendered is that pair's failure, never the batch's.
    if (err instanceof TransportUnavailable) return { unavailable: err.message };
    return { unavailable: `could not render the alert: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Sends; an exception becomes a permanent failure of this pair alone. */
async function send(prep: Exclude<Prepared, null | { unavailable: string }>): Promise<SendResult> {
  try {
    return await prep.send();
  } catch (err) {
    return { ok: false, error: `could not send: ${err instanceof Error ? err.message : String(err)}`, permanent: true, status: null };
  }
}

interface Pair {
  alert: StoredAlert;
  channel: ChannelRow;
  ctx: AlertContext;
  prep: Exclude<Prepared, null>;
}

const keyOf = (p: Pair): ClaimKey => ({
  flipId: p.alert.id,
  channelId: p.channel.id,
  checkId: p.alert.check_id,
  projectId: p.alert.project_id,
});

/**
 * Sends one claimed pair and records its outcome at once. `noRetry`: a failure that would be retried
 * is final too (a test notification, which nothing retries).
 */
async function sendAndRecord(ledger: Ledger, key: ClaimKey, prep: Exclude<Prepared, null>, noRetry: boolean) {
  const started = ledger.now();
  const result: SendResult = "unavailable" in prep ? { ok: false, error: prep.unavailable, permanent: true, status: null } : await send(prep);
  const disable = !result.ok && "disables" in prep && prep.disables(result);
  const outcome: Settlement = result.ok ? "sent" : result.permanent || disable || noRetry ? "failed" : "retry";
  await ledger.settle({ key, outcome, error: result.error, started, disableChannel: disable });
  return { result, outcome };
}

/** One attempt at one claimed pair. Returns null when the pair is final, else when to try again. */
async function attempt(ledger: Ledger, pair: Pair, claim: number, onFinal: () => void): Promise<number | null> {
  const key = keyOf(pair);
  const { outcome } = await sendAndRecord(ledger, key, pair.prep, false);
  if (outcome === "retry" && claim < MAX_ATTEMPTS) return retryDelayMs(claim);
  if (outcome === "retry") await ledger.close(key, "failed", "");
  onFinal();
  return null;
}

/**
 * One channel's share of one check's alerts, in order. Returns null when all are final, else when
 * the chain should be looked at again.
 */
async function deliverChain(ledger: Ledger, chain: Pair[], onFinal: (p: Pair) => void): Promise<number | null> {
  // Of alerts not yet sent only the last goes out, with the "down" just before it when it is an "up".
  const last = chain.at(-1)!;
  const before = chain.at(-2);
  const keepBefore =
    before !== undefined && last.alert.snapshot.new_status === "up" && before.alert.snapshot.new_status === "down" && before.alert.snapshot.reason !== "reminder";
  const kept = keepBefore ? [before, last] : [last];
  for (const p of chain.slice(0, chain.length - kept.length)) {
    if (!(await ledger.close(keyOf(p), "superseded", `superseded by a later alert (${last.alert.snapshot.new_status})`))) {
      return LEASE_MS; // being sent by another consumer: let it finish first
    }
    onFinal(p);
  }
  for (const p of kept) {
    const claim = await ledger.claim(keyOf(p));
    if (claim.kind === "done") {
      onFinal(p);
      continue;
    }
    if (claim.kind === "busy") return claim.retryInMs;
    const again = await attempt(ledger, p, claim.attempt, () => onFinal(p));
    // A later alert never overtakes an earlier one that must be tried again.
    if (again !== null) return again;
  }
  return null;
}

/** Delivers a queue batch: per check, every channel's chain of alerts, all checks side by side. */
export async function deliverFlips(env: Env, msgs: AlertMessage[]): Promise<DeliveryOutcome[]> {
  const ledger = new Ledger(env.DB);
  const loaded = await load(env.DB, msgs);
  ledger.used += 5 + new Set(msgs.map((m) => m.project_id)).size;
  const states = await pairStates(ledger, loaded.checks.flatMap((c) => c.alerts.map((a) => a.id)));

  const retryIn = new Map<string, number | null>();
  const deferred = new Set<string>();
  let reserved = ledger.used;
  const work: Promise<void>[] = [];
  for (const check of loaded.checks) {
    const chains: Pair[][] = [];
    for (const channel of check.channels) {
      const chain: Pair[] = [];
      for (const alert of check.alerts) {
        if (FINAL_STATUSES.has(states.get(`${alert.id}:${channel.id}`) ?? "")) continue;
        const ctx = contextFor(env, alert, channel, check.otherDown);
        const prep = await prepare(env, ctx, channel);
        // A direction the channel does not want (Healthchecks' no-op) leaves no trace.
        if (prep !== null) chain.push({ alert, channel, ctx, prep });
      }
      if (chain.length > 0) chains.push(chain);
    }
    const open = new Set(chains.flat());
    const cost = QUERIES_PER_PAIR * open.size + check.alerts.length;
    // Past the budget, a check's messages are handed back without an attempt (the first always fits).
    if (work.length > 0 && reserved + cost > D1_QUERY_BUDGET) {
      deferred.add(check.checkId);
      continue;
    }
    reserved += cost;
    work.push(
      (async () => {
        const results = await Promise.all(chains.map((chain) => deliverChain(ledger, chain, (p) => open.delete(p))));
        const waits = results.filter((r): r is number => r !== null);
        const wait = waits.length === 0 ? null : Math.min(...waits);
        retryIn.set(check.checkId, wait);
        // Each alert is settled once no channel still owes it a delivery; otherwise watched until its retry.
        const now = ledger.now();
        await Promise.all(
          check.alerts.map((a) => {
            const owed = [...open].some((p) => p.alert.id === a.id);
            return ledger.run(
              env.DB.prepare("UPDATE alert_flips SET watch_until = ? WHERE id = ?").bind(
                owed ? now + (wait ?? 0) + LEASE_MS + WATCH_SLACK_MS : null,
                a.id,
              ),
            );
          }),
        );
      })(),
    );
  }
  await Promise.all(work);
  await ledger.settled();
  return msgs.map((m, i): DeliveryOutcome => {
    const alert = loaded.stored[i] ?? null;
    // The object stores the snapshot before sending: a missing one was pruned, or the id is foreign.
    if (alert === null) return { retryInMs: retryDelayMs(3), snapshotMissing: true };
    if (alert.watch_until === null) return { retryInMs: null };
    if (deferred.has(m.check_id)) return { retryInMs: 0, deferred: true };
    const wait = retryIn.get(m.check_id) ?? null;
    return { retryInMs: wait === null ? null : Math.max(1000, wait) };
  });
}

/**
 * The dead-letter consumer's last word for one alert: every pair not settled — claimed or never
 * attempted — is recorded as failed, and the alert stops being watched.
 */
export async function giveUp(env: Env, msg: AlertMessage): Promise<void> {
  const ledger = new Ledger(env.DB);
  const loaded = await load(env.DB, [msg]);
  const alert = loaded.stored[0] ?? null;
  if (alert === null) {
    console.error(`alert ${msg.flip_id} for check ${msg.check_id} has no stored snapshot; nothing to record`);
    return;
  }
  const check = loaded.checks[0]!;
  await Promise.all(
    check.channels.map(async (channel) => {
      if ((await prepare(env, contextFor(env, alert, channel, []), channel)) === null) return;
      const key = { flipId: alert.id, channelId: channel.id, checkId: alert.check_id, projectId: alert.project_id };
      await ledger.close(key, "failed", "gave up after 0 attempts: the alert could not be processed");
    }),
  );
  await ledger.run(env.DB.prepare("UPDATE alert_flips SET watch_until = NULL WHERE id = ?").bind(alert.id));
  await ledger.settled();
}

/**
 * A test notification: one attempt at one channel, recorded in the log like any alert, answered with
 * its outcome. A failure that would be retried for a real alert is recorded as failed: nothing retries it.
 */
export async function deliverTest(
  env: Env,
  ctx: AlertContext,
  channel: Pick<ChannelRow, "id" | "kind" | "value" | "email_verified">,
): Promise<{ ok: boolean; error: string } | null> {
  const prep = await prepare(env, ctx, channel);
  if (prep === null) return null;
  const ledger = new Ledger(env.DB);
  const snap = ctx.snapshot;
  const key = { flipId: snap.flip_id, channelId: channel.id, checkId: snap.check_id, projectId: snap.project_id };
  const claim = await ledger.claim(key);
  if (claim.kind !== "claimed") return { ok: false, error: "already sent" };
  let result: SendResult;
  try {
    result = (await sendAndRecord(ledger, key, prep, true)).result;
    await ledger.settled();
  } catch (err) {
    // Nobody retries a test: a claim left "sending" would read as "retrying" forever. Close it on
    // its own (if D1 refuses this too, the sweeper closes it once the lease has expired).
    const error = `the outcome could not be recorded: ${err instanceof Error ? err.message : String(err)}`;
    await closeInterruptedTest(env.DB, key, error).catch(() => {});
    return { ok: false, error };
  }
  return { ok: result.ok, error: result.error };
}

async function closeInterruptedTest(db: D1Database, k: ClaimKey, error: string): Promise<void> {
  await db
    .prepare("UPDATE notifications SET status = 'failed', error = ?, lease_until = NULL, updated = ? WHERE flip_id = ? AND channel_id = ? AND status = 'sending'")
    .bind(error.slice(0, 200), Date.now(), k.flipId, k.channelId)
    .run();
}
