// The delivery records (D1 `notifications`: what happened to each alert on each channel) as the
// Management API's notification lists and the dashboard's event log read and show them.
import { isoString } from "../checks/render";

export const NOTIFICATION_KINDS = ["down", "up", "reminder", "flapping", "flap_end", "test"] as const;
export const NOTIFICATION_STATUSES = ["sent", "retrying", "failed", "superseded", "gave up"] as const;

export interface DeliveryRow {
  flip_id: string;
  check_id: string;
  channel_id: string;
  status: string;
  error: string;
  attempts: number;
  created: number;
  updated: number;
  /** From alert_flips; null for a test notification, which has no alert row. */
  new_status: string | null;
  reason: string | null;
}

/** A row's sort key (created, flip, channel): unique per row and fixed once written. */
export type DeliveryCursor = [created: number, flipId: string, channelId: string];

function kindOf(r: DeliveryRow): (typeof NOTIFICATION_KINDS)[number] {
  if (r.new_status === null) return "test";
  if (r.reason === "reminder" || r.reason === "flapping" || r.reason === "flap_end") return r.reason;
  return r.new_status === "up" ? "up" : "down";
}

function statusOf(r: DeliveryRow): (typeof NOTIFICATION_STATUSES)[number] {
  if (r.status === "sent" || r.status === "superseded") return r.status;
  if (r.status === "failed") return r.error.startsWith("gave up") ? "gave up" : "failed";
  return "retrying"; // retry, or sending under a lease
}

export function presentDelivery(r: DeliveryRow) {
  const kind = kindOf(r);
  return {
    flip_id: r.flip_id,
    check: kind === "test" ? null : r.check_id,
    channel: r.channel_id,
    kind_of_alert: kind,
    status: statusOf(r),
    attempts: r.attempts,
    error: r.error,
    created: isoString(r.created),
    updated: isoString(r.updated),
  };
}

/**
 * The project's records whose `column` is `value`, newest first: those before `cursor` (exclusive;
 * [t, "", ""] means created before t) and, with `since`, created at or after it. Tenancy rests on
 * the record's own project, whatever lookup came before.
 */
export async function readDeliveries(
  db: D1Database,
  projectId: string,
  where: { column: "channel_id" | "check_id"; value: string },
  o: { cursor: DeliveryCursor | null; limit: number; since?: number },
): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare(
      `SELECT n.flip_id, n.check_id, n.channel_id, n.status, n.error, n.attempts, n.created, n.updated, f.new_status, f.reason
       FROM notifications n LEFT JOIN alert_flips f ON f.id = n.flip_id
       WHERE n.project_id = ?1 AND n.${where.column} = ?2
         AND (?3 IS NULL OR (n.created, n.flip_id, n.channel_id) < (?3, ?4, ?5))
         AND (?7 IS NULL OR n.created >= ?7)
       ORDER BY n.created DESC, n.flip_id DESC, n.channel_id DESC
       LIMIT ?6`,
    )
    .bind(projectId, where.value, o.cursor?.[0] ?? null, o.cursor?.[1] ?? null, o.cursor?.[2] ?? null, o.limit, o.since ?? null)
    .all<DeliveryRow>();
  return results;
}
