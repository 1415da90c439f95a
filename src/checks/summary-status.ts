// Status of a check computed from its D1 summary row: what lists, badges and metrics show
// without asking the check's Durable Object (invariant 5 in docs/architecture.md).
import type { CheckRow } from "./repository";
import type { CheckState, Status } from "./model";
import { getStatus } from "./status";

export function stateFromRow(row: CheckRow): CheckState {
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
export function summaryStatus(row: CheckRow, now: number, withStarted = false): Status {
  return getStatus(row, stateFromRow(row), now, withStarted);
}
