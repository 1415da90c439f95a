// The status machine of Healthchecks, as pure functions of config, state and time.
import type { CheckConfig, CheckState, FlipReason, PingKind, Status, StoredStatus } from "./model";
import { nextExpected } from "./schedule";

type Cfg = Pick<CheckConfig, "kind" | "timeout" | "grace" | "schedule" | "tz">;

/** When the grace period starts (the next expected ping), or null. */
export function graceStart(cfg: Cfg, st: CheckState, withStarted: boolean): number | null {
  let r: number | null = null;
  if (st.status === "up" && st.last_ping !== null) r = nextExpected(cfg, st.last_ping);
  if (withStarted && st.last_start !== null && st.status !== "down") {
    r = r === null ? st.last_start : Math.min(r, st.last_start);
  }
  return r;
}

/** The deadline: when the check goes down unless pinged, or null if it cannot. */
export function goingDownAfter(cfg: Cfg, st: CheckState): number | null {
  if (st.status === "down") return null;
  const gs = graceStart(cfg, st, true);
  return gs === null ? null : gs + cfg.grace * 1000;
}

export function getStatus(cfg: Cfg, st: CheckState, now: number, withStarted = false): Status {
  if (st.last_start !== null) {
    if (now >= st.last_start + cfg.grace * 1000) return "down";
    if (withStarted) return "started";
  }
  if (st.status !== "up") return st.status;
  const gs = graceStart(cfg, st, false);
  if (gs === null) return "up";
  if (now >= gs + cfg.grace * 1000) return "down";
  if (now >= gs) return "grace";
  return "up";
}

export interface FlipChange {
  old_status: StoredStatus;
  new_status: StoredStatus;
  reason: FlipReason;
}

/** Applies one ping to the state. `action` is final (filters already applied). */
export function applyPing(
  st: CheckState,
  action: PingKind,
  now: number,
  rid: string | null,
  hasConfirmationLink: boolean,
): { state: CheckState; flip: FlipChange | null } {
  const next: CheckState = { ...st, n_pings: st.n_pings + 1, has_confirmation_link: hasConfirmationLink };
  let flip: FlipChange | null = null;
  if (action === "start") {
    next.last_start = now;
    next.last_start_rid = rid;
  } else if (action === "success" || action === "fail") {
    next.last_ping = now;
    next.last_duration = null;
    if (st.last_start !== null) {
      if (st.last_start_rid === rid) {
        next.last_duration = now - st.last_start;
        next.last_start = null;
      } else if (action === "fail" || rid === null) {
        next.last_start = null;
      }
    }
    const newStatus: StoredStatus = action === "fail" ? "down" : "up";
    if (newStatus !== st.status) {
      flip = { old_status: st.status, new_status: newStatus, reason: action === "fail" ? "fail" : "" };
      next.status = newStatus;
    }
  }
  return { state: next, flip };
}

/** Healthchecks sends no notification for new→up and paused→up, nor for pause/resume flips. */
export function flipNotifies(flip: FlipChange): boolean {
  return flip.new_status === "down" || (flip.new_status === "up" && flip.old_status === "down");
}
