// How the dashboard shows checks and their events: the Management API's renderings (src/checks/render.ts,
// src/api/present.ts, src/alerts/delivery-log.ts) of the same records, with what the pages need
// besides (every schedule field, the deadline, both ping URLs, channel ids as a list), dates ISO 8601.
import { presentDelivery, type DeliveryRow } from "../alerts/delivery-log";
import { isoMicro, renderPing } from "../api/present";
import type { DownPeriod } from "../checks/downtime";
import type { CheckConfig, CheckState, FlipRecord, PingRecord } from "../checks/model";
import { isoString, renderCheck } from "../checks/render";
import { goingDownAfter } from "../checks/status";
import { config } from "../config";

export interface PresentOptions {
  siteRoot: string;
  pingEndpoint: string;
  pingEmailDomain?: string;
  now: number;
}

export function presentOptions(env: Env, origin: string): PresentOptions {
  const conf = config(env, origin);
  return { siteRoot: conf.siteRoot, pingEndpoint: conf.pingEndpoint, pingEmailDomain: conf.pingEmailDomain, now: Date.now() };
}

/**
 * One check as the checks list and the details page show it. The slug URL carries the placeholder
 * `{ping_key}` (as Healthchecks shows it without a key): the ping key is stored hashed and shown once.
 */
export function presentCheck(cfg: CheckConfig, st: CheckState, o: PresentOptions) {
  const rendered = renderCheck(cfg, st, { apiVersion: 3, readonly: false, ...o });
  // The Management API's URLs (they need an API key), its deprecated subject fields and its kind-dependent fields are left out.
  const { update_url, pause_url, resume_url, subject, subject_fail, unique_key, channels, timeout, schedule, tz, uuid, ping_url, email, last_duration, ...shown } =
    rendered;
  return {
    uuid: cfg.id,
    ...shown,
    kind: cfg.kind,
    timeout: cfg.timeout,
    schedule: cfg.schedule,
    tz: cfg.tz,
    /** When the running job started (null unless `started`). */
    last_start: isoString(st.last_start),
    /** seconds, when the last run's start and end were both seen */
    last_duration: last_duration ?? null,
    /** When the check goes down unless pinged (null when it cannot: new, paused, down). */
    alert_after: isoString(goingDownAfter(cfg, st)),
    ping_url: `${o.pingEndpoint}${cfg.id}`,
    ping_url_slug: cfg.slug === "" ? null : `${o.pingEndpoint}{ping_key}/${cfg.slug}`,
    email: email ?? null,
    channels: cfg.channels === "" ? [] : cfg.channels.split(","),
    created: new Date(cfg.created).toISOString(),
  };
}

export type DashboardCheck = ReturnType<typeof presentCheck>;

/** A ping in the event log: the Management API's ping fields (but its key-only body URL), exit status and body. */
export function pingEvent(p: PingRecord, o: PresentOptions, checkId: string) {
  const { body_url, ...rendered } = renderPing(p, o, checkId, 3);
  return { ...rendered, exitstatus: p.exitstatus, body_size: p.body_size, body_preview: p.body_preview ?? "" };
}

/** A status change ("up → down"). */
export const flipEvent = (f: FlipRecord) => ({
  type: "flip" as const,
  date: isoMicro(f.created),
  old_status: f.old_status,
  new_status: f.new_status,
  reason: f.reason,
});

/** An alert's delivery to one channel, as the Management API's delivery records show it. */
export function alertEvent(r: DeliveryRow) {
  const { created, ...delivery } = presentDelivery(r);
  return { type: "alert" as const, date: isoMicro(r.created), ...delivery };
}

/** Down periods as ISO pairs, the end null while the check is still down. */
export const presentPeriods = (periods: readonly DownPeriod[]): [string, string | null][] =>
  periods.map(([start, end]) => [new Date(start).toISOString(), end === null ? null : new Date(end).toISOString()]);

/** The D1 summary's recent down periods (the list's strip); a row not yet mirrored has none. */
export function storedPeriods(json: string | null): [string, string | null][] {
  if (json === null) return [];
  try {
    return presentPeriods(JSON.parse(json) as DownPeriod[]);
  } catch {
    return [];
  }
}
