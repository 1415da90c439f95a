// Status of a check computed from its D1 summary row: what lists, badges and metrics show
// without asking the check's Durable Object (invariant 5 in docs/architecture.md).
import type { CheckRow } from "./repository";
import type { CheckState, Status } from "./model";
import { getStatus } from "./status";

/** The columns the status needs (a query may read only these). */
export type StatusRow = Pick<CheckRow, "kind" | "timeout" | "grace" | "schedule" | "tz" | "status" | "last_ping" | "last_start" | "last_duration" | "n_pings">;

export function stateFromRow(row: StatusRow): CheckState {
  return {
    status: row.status,
    last_ping: row.last_ping,
    last_start: row.last_start,
    last_start_rid: null,
    last_duration: row.last_duration,
    n_pings: row.n_pings,
    has_confirmation_link: false,
  };
}

/** Healthchecks' get_status() for a summary row at `now` (v1 passes withStarted). */
export function summaryStatus(row: StatusRow, now: number, withStarted = false): Status {
  return getStatus(row, stateFromRow(row), now, withStarted);
}
