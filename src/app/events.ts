// A check's event log (Healthchecks' details and log pages): its pings and flips from its object and
// its alerts' delivery records from D1 — what the Management API's pings, flips and notifications
// routes read — merged newest first and paged by time.
import { readDeliveries, type DeliveryRow } from "../alerts/delivery-log";
import { checkStub } from "../checks/client";
import type { CheckRow } from "../checks/repository";
import { alertEvent, flipEvent, pingEvent, type PresentOptions } from "./present";
import type { EventType } from "./schemas";

/** Bytes of each ping's body shown in the log (Healthchecks shows 150). */
export const PREVIEW_BYTES = 150;
/** Alerts sharing one millisecond that a page may take in (far beyond any real fan-out). */
const MAX_TIES = 1000;

export interface Timed<E> {
  at: number;
  /** Order among events of the same millisecond, newest first: alerts, then flips, then pings by n. */
  rank: number;
  event: E;
}

/**
 * The newest `limit` events, plus every other event of the last one's millisecond, so that `next`
 * (that millisecond: the next page has what is strictly older) neither repeats nor skips any.
 * `completeFrom`: events are known only from this time on (an older source page was cut there);
 * `more`: older events exist beyond what was given.
 */
export function pageEvents<E>(events: Timed<E>[], limit: number, completeFrom = -Infinity, more = false): { page: E[]; next: number | null } {
  const sorted = events.filter((e) => e.at >= completeFrom).sort((a, b) => b.at - a.at || a.rank - b.rank);
  let end = Math.min(limit, sorted.length);
  if (end > 0) while (end < sorted.length && sorted[end]!.at === sorted[end - 1]!.at) end++;
  const page = sorted.slice(0, end);
  const older = more || end < sorted.length;
  return { page: page.map((e) => e.event), next: older && page.length > 0 ? page.at(-1)!.at : null };
}

export async function checkEvents(
  env: Env,
  row: CheckRow,
  q: { before?: number; types: Set<EventType>; limit: number },
  o: PresentOptions,
) {
  const before = q.before ?? Infinity;
  const stub = checkStub(env, row.id);
  const [pings, flips, alerts] = await Promise.all([
    stub.pings(PREVIEW_BYTES),
    q.types.has("flip") ? stub.flips() : null,
    q.types.has("alert") ? pageOfAlerts(env, row, before, q.limit) : null,
  ]);
  const events = [
    ...(pings ?? [])
      .filter((p) => p.created < before && q.types.has(p.kind))
      .map((p) => ({ at: p.created, rank: 2 + 1 / (p.n + 1), event: pingEvent(p, o, row.id) })),
    ...(flips ?? []).filter((f) => f.created < before).map((f) => ({ at: f.created, rank: 1, event: flipEvent(f) })),
    ...(alerts?.rows ?? []).map((r) => ({ at: r.created, rank: 0, event: alertEvent(r) })),
  ];
  const { page, next } = pageEvents<(typeof events)[number]["event"]>(events, q.limit, alerts?.completeFrom, alerts?.more);
  return {
    events: page,
    next: next === null ? null : new Date(next).toISOString(),
    /** The oldest ping the log still holds (older ones were pruned), as Healthchecks' log page says. */
    oldest_ping: pings === null || pings.length === 0 ? null : pings.at(-1)!.n,
  };
}

/**
 * The check's newest `limit` delivery records before `before`, complete down to the oldest one's
 * millisecond when the page was cut (`completeFrom`; `more`: older ones exist).
 */
async function pageOfAlerts(env: Env, row: CheckRow, before: number, limit: number) {
  const where = { column: "check_id" as const, value: row.id };
  const cursor = Number.isFinite(before) ? ([before, "", ""] as [number, string, string]) : null;
  const rows = await readDeliveries(env.DB, row.project_id, where, { cursor, limit: limit + 1 });
  if (rows.length <= limit) return { rows, completeFrom: -Infinity, more: false };
  const floor = rows[limit - 1]!.created;
  const ties = await readDeliveries(env.DB, row.project_id, where, { cursor: [floor + 1, "", ""], since: floor, limit: MAX_TIES });
  const key = (r: DeliveryRow) => `${r.flip_id}:${r.channel_id}`;
  const seen = new Set(rows.map(key));
  return { rows: [...rows.filter((r) => r.created >= floor), ...ties.filter((r) => !seen.has(key(r)))], completeFrom: floor, more: true };
}
