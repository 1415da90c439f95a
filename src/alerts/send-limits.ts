// Abuse limits on what a channel makes us send on request: verification mails and test
// notifications, each at most SENDS_PER_HOUR per channel per hour. The count lives in D1 (one
// upsert, atomic), so every isolate and every instance of the Worker shares it.

export const SENDS_PER_HOUR = 5;
const WINDOW_MS = 3_600_000;

export type SendKind = "verification" | "test";

/** null: allowed (and counted); otherwise the seconds until the next one would be allowed. */
export async function takeSend(db: D1Database, channelId: string, kind: SendKind, now = Date.now()): Promise<number | null> {
  // A window starts at the first send after the previous one ended; every right-hand side reads the
  // old row, so the reset and the count agree.
  const row = await db
    .prepare(
      `INSERT INTO channel_sends (channel_id, kind, window_start, count) VALUES (?1, ?2, ?3, 1)
       ON CONFLICT (channel_id, kind) DO UPDATE SET
         window_start = CASE WHEN window_start <= ?3 - ?4 THEN ?3 ELSE window_start END,
         count = CASE WHEN window_start <= ?3 - ?4 THEN 1 ELSE min(count + 1, ?5 + 1) END
       RETURNING window_start, count`,
    )
    .bind(channelId, kind, now, WINDOW_MS, SENDS_PER_HOUR)
    .first<{ window_start: number; count: number }>();
  if (row === null || row.count <= SENDS_PER_HOUR) return null;
  return Math.max(1, Math.ceil((row.window_start + WINDOW_MS - now) / 1000));
}

/** Rows whose window ended: nothing reads them again. */
export function pruneSendsStatement(db: D1Database, now: number): D1PreparedStatement {
  return db.prepare("DELETE FROM channel_sends WHERE window_start <= ?").bind(now - WINDOW_MS);
}
