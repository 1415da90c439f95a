// Per (flip, channel) delivery claims in D1 `notifications` (DESIGN invariant 4). A claim is a
// lease: a consumer that dies mid-delivery leaves it to expire, and the next attempt takes over.

export const LEASE_MS = 60_000;
/** Statements per D1 batch call. */
const CHUNK = 100;

/** `db.batch` over any number of statements, CHUNK at a time, results in order. */
async function batched<T>(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
  const out: D1Result<T>[] = [];
  for (let i = 0; i < statements.length; i += CHUNK) out.push(...(await db.batch<T>(statements.slice(i, i + CHUNK))));
  return out;
}
/** Errors are stored at most this long, like Healthchecks' notification log. */
const MAX_ERROR = 200;

export type ClaimOutcome =
  | { kind: "claimed"; attempt: number }
  /** Delivered or given up already: nothing to do. */
  | { kind: "done" }
  /** Another consumer holds a live lease; look again after it expires. */
  | { kind: "busy"; retryInMs: number };

export interface ClaimKey {
  flipId: string;
  channelId: string;
  checkId: string;
  projectId: string;
}

/** Claims many pairs in one D1 round trip (a batch is one transaction); one outcome per key, in order. */
export async function claimMany(db: D1Database, keys: ClaimKey[], now: number): Promise<ClaimOutcome[]> {
  if (keys.length === 0) return [];
  const claims = await batched<{ attempts: number }>(
    db,
    keys.map((k) =>
      db
        .prepare(
          `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, lease_until, created, updated)
           VALUES (?1, ?2, ?3, ?4, 'sending', '', 1, ?5, ?6, ?6)
           ON CONFLICT (flip_id, channel_id) DO UPDATE SET
             status = 'sending', attempts = notifications.attempts + 1, lease_until = excluded.lease_until, updated = excluded.updated
           WHERE notifications.status = 'retry' OR (notifications.status = 'sending' AND notifications.lease_until < ?6)
           RETURNING attempts`,
        )
        .bind(k.flipId, k.channelId, k.checkId, k.projectId, now + LEASE_MS, now),
    ),
  );
  const lost = keys.filter((_, i) => claims[i]!.results.length === 0);
  const existing =
    lost.length === 0
      ? []
      : await batched<{ status: string; lease_until: number | null }>(
          db,
          lost.map((k) =>
            db.prepare("SELECT status, lease_until FROM notifications WHERE flip_id = ? AND channel_id = ?").bind(k.flipId, k.channelId),
          ),
        );
  let j = 0;
  return keys.map((_, i): ClaimOutcome => {
    const row = claims[i]!.results[0];
    if (row !== undefined) return { kind: "claimed", attempt: row.attempts };
    const current = existing[j++]!.results[0];
    if (current?.status === "sending") return { kind: "busy", retryInMs: Math.max(1000, (current.lease_until ?? now) - now) };
    return { kind: "done" };
  });
}

export type Settlement = "sent" | "retry" | "failed";

export interface Settled {
  key: ClaimKey;
  outcome: Settlement;
  error: string;
  started: number;
  disableChannel: boolean;
}

/**
 * Records attempts' outcomes on their claims, and on their channels (last error, duration, disabling)
 * once per channel, the last outcome winning as if recorded one by one: in one round trip.
 */
export async function settleMany(db: D1Database, settled: Settled[], now: number): Promise<void> {
  if (settled.length === 0) return;
  const perChannel = new Map<string, { last: Settled; disable: boolean }>();
  for (const s of settled) {
    const seen = perChannel.get(s.key.channelId);
    perChannel.set(s.key.channelId, { last: s, disable: (seen?.disable ?? false) || s.disableChannel });
  }
  await batched(db, [
    ...settled.map(({ key: k, outcome, error }) =>
      db
        .prepare("UPDATE notifications SET status = ?, error = ?, lease_until = NULL, updated = ? WHERE flip_id = ? AND channel_id = ?")
        .bind(outcome, error.slice(0, MAX_ERROR), now, k.flipId, k.channelId),
    ),
    ...[...perChannel].map(([channelId, { last, disable }]) =>
      db
        .prepare(
          `UPDATE channels SET last_notify = ?, last_notify_duration = ?, last_error = ?, disabled = CASE WHEN ? THEN 1 ELSE disabled END
           WHERE id = ?`,
        )
        .bind(last.started, now - last.started, last.error.slice(0, MAX_ERROR), disable ? 1 : 0, channelId),
    ),
  ]);
}

/** The dead-letter consumer's last word: every pair of the flip not delivered is marked failed. */
export async function giveUp(db: D1Database, flipId: string, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE notifications SET status = 'failed', lease_until = NULL, updated = ?,
         error = substr('gave up after ' || attempts || ' attempts: ' || error, 1, ${MAX_ERROR})
       WHERE flip_id = ? AND status IN ('sending', 'retry')`,
    )
    .bind(now, flipId)
    .run();
}
