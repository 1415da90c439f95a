// What a check's object writes to D1 itself: its summary mirror, the snapshots of its alerts, and the
// one project setting it reads (the reminder period).
import type { CheckSnapshot, StoredStatus } from "./model";

export interface Summary {
  id: string;
  status: StoredStatus;
  last_ping: number | null;
  last_start: number | null;
  last_duration: number | null;
  n_pings: number;
  grace_start: number | null;
  alert_after: number | null;
  summary_version: number;
  /** The catalog version the object applied. */
  applied_version: number;
  /** The object's earliest scheduled item other than a summary write. */
  next_alarm: number | null;
  /** Down periods of the last 30 days as JSON, or null to leave the stored ones (no flip since). */
  recent_downs: string | null;
}

/** An alert's snapshot for D1 `alert_flips` (the outbox row's JSON), read by the queue consumer. */
export interface PendingAlert {
  flip_id: string;
  snapshot: string;
}

/**
 * Stores alert snapshots; a snapshot already there is kept (the outbox may hand one over twice). If
 * nothing settles one within `watchMs`, the sweeper hands it to the queue again: the queue may have
 * lost the message (local queues keep messages in memory) or the consumer died.
 */
export function storeAlertStatements(db: D1Database, alerts: PendingAlert[], now: number, watchMs: number): D1PreparedStatement[] {
  return alerts.map(({ flip_id, snapshot }) => {
    const snap = JSON.parse(snapshot) as CheckSnapshot;
    return db
      .prepare(
        `INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, seq, watch_until)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .bind(
        flip_id,
        snap.check_id,
        snap.project_id,
        snap.flip_time,
        snap.old_status,
        snap.new_status,
        snap.reason,
        snapshot,
        now,
        snap.seq ?? 0,
        now + watchMs,
      );
  });
}

/**
 * Writes a DO's summary unless a newer one is already there, together with the snapshots of alerts
 * waiting in its outbox: one D1 round trip, so a flip's alert is ready for the queue as soon as its
 * summary is. "orphan" means the catalog row is gone or being removed; `watched`, that a dashboard of
 * the project may be open (so the change is worth telling the project's object).
 */
export async function mirrorSummary(
  db: D1Database,
  s: Summary,
  alerts: PendingAlert[],
  watchMs: number,
  projectId: string,
): Promise<{ outcome: "ok" | "stale" | "orphan"; watched: boolean }> {
  const now = Date.now();
  const [update, ...rest] = await db.batch([
    db
      .prepare(
        `UPDATE checks SET status = ?1, last_ping = ?2, last_start = ?3, last_duration = ?4, n_pings = ?5,
           grace_start = ?6, alert_after = ?7, summary_version = ?8, applied_version = ?10, next_alarm = ?11,
           recent_downs = coalesce(?12, recent_downs)
         WHERE id = ?9 AND summary_version < ?8 AND deleted_at IS NULL`,
      )
      .bind(
        s.status,
        s.last_ping,
        s.last_start,
        s.last_duration,
        s.n_pings,
        s.grace_start,
        s.alert_after,
        s.summary_version,
        s.id,
        s.applied_version,
        s.next_alarm,
        s.recent_downs,
      ),
    ...storeAlertStatements(db, alerts, now, watchMs),
    db.prepare("SELECT deleted_at FROM checks WHERE id = ?").bind(s.id),
    // In the same round trip: whether a dashboard may be open (src/projects/project-do.ts).
    db.prepare("SELECT live_until FROM projects WHERE id = ?").bind(projectId),
  ]);
  const live = rest.at(-1)!.results[0] as { live_until: number | null } | undefined;
  const watched = (live?.live_until ?? 0) > now;
  if (update!.meta.changes > 0) return { outcome: "ok", watched };
  const row = rest.at(-2)!.results[0] as { deleted_at: number | null } | undefined;
  return { outcome: row === undefined || row.deleted_at !== null ? "orphan" : "stale", watched };
}

/** The project's reminder period in seconds (0 = off). */
export async function projectNagPeriod(db: D1Database, projectId: string): Promise<number> {
  const row = await db.prepare("SELECT nag_period FROM projects WHERE id = ?").bind(projectId).first<{ nag_period: number }>();
  return row?.nag_period ?? 0;
}
