// JSON shapes of pings and flips in the Management API (reference API §1.6).
import { z } from "zod";
import type { FlipRecord, PingKind, PingRecord } from "../checks/model";
import { isoString } from "../checks/render";

/** Ping dates keep sub-second precision: "2024-01-01T00:00:00.123000+00:00". */
export const isoMicro = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");

/** Healthchecks' PingDict. */
export type RenderedPing = {
  type: PingKind;
  date: string;
  n: number;
  scheme: string;
  remote_addr: string | null;
  method: string;
  ua: string;
  rid: string | null;
  /** seconds, with two decimals */
  duration?: number;
  body_url: string | null;
};

export function renderPing(p: PingRecord, o: { siteRoot: string }, checkId: string, apiVersion: 1 | 2 | 3): RenderedPing {
  return {
    type: p.kind,
    date: isoMicro(p.created),
    n: p.n,
    scheme: p.scheme,
    remote_addr: p.remote_addr,
    method: p.method,
    ua: p.ua,
    rid: p.rid,
    ...(p.duration === null ? {} : { duration: Math.round(p.duration / 10) / 100 }),
    body_url: p.body_size > 0 ? `${o.siteRoot}/api/v${apiVersion}/checks/${checkId}/pings/${p.n}/body` : null,
  };
}

export function renderPings(pings: PingRecord[], o: { siteRoot: string }, checkId: string, apiVersion: 1 | 2 | 3): RenderedPing[] {
  return pings.slice(0, 1000).map((p) => renderPing(p, o, checkId, apiVersion));
}

const bounded = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be an integer`)
    .transform(Number)
    .refine((n) => n <= max, `${name} is too large`)
    .optional();

export const flipsQuerySchema = z.object({
  seconds: bounded("seconds", 31_536_000),
  start: bounded("start", 10_000_000_000),
  end: bounded("end", 10_000_000_000),
});

export function renderFlips(flips: FlipRecord[], q: z.output<typeof flipsQuerySchema>, now: number) {
  return flips
    .filter((f) => q.seconds === undefined || f.created >= now - q.seconds * 1000)
    .filter((f) => q.start === undefined || f.created >= q.start * 1000)
    .filter((f) => q.end === undefined || f.created < q.end * 1000)
    .reverse()
    .map((f) => ({ timestamp: isoString(f.created), up: f.new_status === "up" ? 1 : 0 }));
}
