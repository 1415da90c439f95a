// Per (flip, channel) delivery records in D1 `notifications` (invariant 4 in docs/architecture.md). A claim is a lease:
// a consumer that dies mid-delivery leaves it to expire, and the next attempt takes over. Every
// statement goes through a Ledger, which sends the statements issued together in one D1 round trip
// and counts them against the invocation's query budget.

export const LEASE_MS = 60_000;
/** A pair tried this often without success is given up: recorded failed, never retried again. */
export const MAX_ATTEMPTS = 11;
/** Errors are stored at most this long, like Healthchecks' notification log. */
const MAX_ERROR = 200;
/** Statements per D1 batch call. */
const CHUNK = 100;

/** Outcomes after which a pair is never attempted again. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["sent", "failed", "superseded"]);

export type ClaimOutcome =
  | { kind: "claimed"; attempt: number }
  /** Delivered, given up or superseded already: nothing to do. */
  | { kind: "done" }
  /** Another consumer holds a live lease; look again after it expires. */
  | { kind: "busy"; retryInMs: number };

export interface ClaimKey {
  flipId: string;
  channelId: string;
  checkId: string;
  projectId: string;
}

export type Settlement = "sent" | "retry" | "failed";

export interface Settled {
  key: ClaimKey;
  outcome: Settlement;
  error: string;
  started: number;
  disableChannel: boolean;
}

interface Waiting {
  stmt: D1PreparedStatement;
  resolve: (r: D1Result) => void;
  reject: (e: unknown) => void;
}

/**
 * The delivery log of one consumer invocation. Statements issued while a round trip is in flight
 * (or in the same turn) share the next one, so records are written as soon as each send finishes
 * without one round trip per pair, and no finished pair waits for the slowest send.
 */
export class Ledger {
  #waiting: Waiting[] = [];
  #flushing: Promise<void> | null = null;
  /** D1 queries issued so far. */
  used = 0;

  constructor(
    readonly db: D1Database,
    readonly now: () => number = Date.now,
  ) {}

  run<T = Record<string, unknown>>(stmt: D1PreparedStatement): Promise<D1Result<T>> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ stmt, resolve: resolve as (r: D1Result) => void, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Resolves once every statement issued so far is written. */
  async settled(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing;
  }

  async #flush(): Promise<void> {
    // Let statements issued in the same turn join this round trip.
    await Promise.resolve();
    while (this.#waiting.length > 0) {
      const chunk = this.#waiting.splice(0, CHUNK);
      this.used += chunk.length;
      let results: D1Result[] | null = null;
      let error: unknown = null;
      // One retry: a record lost to a blip would make a delivered pair look unsent.
      for (let attempt = 0; attempt < 2 && results === null; attempt++) {
        try {
          results = await this.db.batch(chunk.map((w) => w.stmt));
        } catch (err) {
          error = err;
        }
      }
      chunk.forEach((w, i) => (results === null ? w.reject(error) : w.resolve(results[i]!)));
    }
    this.#flushing = null;
  }

  /** Claims one pair with a lease. */
  async claim(k: ClaimKey): Promise<ClaimOutcome> {
    const now = this.now();
    const claimed = await this.run<{ attempts: number }>(
      this.db
        .prepare(
          `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, lease_until, created, updated)
           VALUES (?1, ?2, ?3, ?4, 'sending', '', 1, ?5, ?6, ?6)
           ON CONFLICT (flip_id, channel_id) DO UPDATE SET
             status = 'sending', attempts = notifications.attempts + 1, lease_until = excluded.lease_until, updated = excluded.updated
           WHERE notifications.status = 'retry' OR (notifications.status = 'sending' AND notifications.lease_until < ?6)
           RETURNING attempts`,
        )
        .bind(k.flipId, k.channelId, k.checkId, k.projectId, now + LEASE_MS, now),
    );
    const row = claimed.results[0];
    if (row !== undefined) return { kind: "claimed", attempt: row.attempts };
    const current = (
      await this.run<{ status: string; lease_until: number | null }>(
        this.db.prepare("SELECT status, lease_until FROM notifications WHERE flip_id = ? AND channel_id = ?").bind(k.flipId, k.channelId),
      )
    ).results[0];
    if (current?.status === "sending") return { kind: "busy", retryInMs: Math.max(1000, (current.lease_until ?? now) - now) };
    return { kind: "done" };
  }

  /** Records an attempt's outcome on its claim and on its channel (last error, duration, disabling). */
  async settle(s: Settled): Promise<void> {
    const now = this.now();
    const { key: k } = s;
    await Promise.all([
      this.run(
        this.db
          .prepare("UPDATE notifications SET status = ?, error = ?, lease_until = NULL, updated = ? WHERE flip_id = ? AND channel_id = ?")
          .bind(s.outcome, s.error.slice(0, MAX_ERROR), now, k.flipId, k.channelId),
      ),
      this.run(
        this.db
          .prepare(
            `UPDATE channels SET last_notify = ?, last_notify_duration = ?, last_error = ?, disabled = CASE WHEN ? THEN 1 ELSE disabled END
             WHERE id = ?`,
          )
          .bind(s.started, now - s.started, s.error.slice(0, MAX_ERROR), s.disableChannel ? 1 : 0, k.channelId),
      ),
    ]);
  }

  /**
   * Marks a pair as never to be sent: superseded by a later alert, or given up ("failed": a pair tried
   * before keeps its attempts and last error in the message; `error` is the message of a pair never
   * tried). A pair being sent under a live lease is left alone; a pair
   * already final keeps its outcome. Returns whether the pair is now final.
   */
  async close(k: ClaimKey, status: "superseded" | "failed", error: string): Promise<boolean> {
    const now = this.now();
    const res = await this.run<{ status: string }>(
      this.db
        .prepare(
          `INSERT INTO notifications (flip_id, channel_id, check_id, project_id, status, error, attempts, lease_until, created, updated)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, NULL, ?7, ?7)
           ON CONFLICT (flip_id, channel_id) DO UPDATE SET status = excluded.status, lease_until = NULL, updated = excluded.updated,
             error = CASE WHEN excluded.status = 'failed'
                          THEN substr('gave up after ' || notifications.attempts || ' attempts: ' || notifications.error, 1, ${MAX_ERROR})
                          ELSE excluded.error END
           WHERE notifications.status = 'retry' OR (notifications.status = 'sending' AND notifications.lease_until < ?7)
           RETURNING status`,
        )
        .bind(k.flipId, k.channelId, k.checkId, k.projectId, status, error.slice(0, MAX_ERROR), now),
    );
    if (res.results.length > 0) return true;
    const current = (
      await this.run<{ status: string }>(
        this.db.prepare("SELECT status FROM notifications WHERE flip_id = ? AND channel_id = ?").bind(k.flipId, k.channelId),
      )
    ).results[0];
    return current !== undefined && FINAL_STATUSES.has(current.status);
  }
}
