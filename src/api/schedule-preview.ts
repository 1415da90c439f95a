import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { guessKind, isValidTimeZone, validateSchedule } from "../checks/schedule/index";
import { previewSchedule } from "../checks/schedule/preview";

/**
 * GET /schedule-preview?schedule=…&tz=UTC&after=<ISO instant>&n=10
 * (mounted at /api/v3). No authentication; rate-limited per client IP.
 */
export const schedulePreview = new Hono<AppEnv>();

export const PREVIEW_RATE_LIMIT = 120;
export const PREVIEW_RATE_WINDOW_MS = 10_000;
const MAX_SCHEDULE_LENGTH = 100;
const MAX_N = 50;

// Fixed-window counters, per isolate (best effort; each isolate counts on its own).
const windows = new Map<string, { start: number; count: number }>();

function rateLimited(ip: string, now: number): number | null {
  let w = windows.get(ip);
  if (!w || now - w.start >= PREVIEW_RATE_WINDOW_MS) {
    if (windows.size > 10_000) {
      for (const [k, v] of windows) if (now - v.start >= PREVIEW_RATE_WINDOW_MS) windows.delete(k);
    }
    w = { start: now, count: 0 };
    windows.set(ip, w);
  }
  w.count++;
  if (w.count <= PREVIEW_RATE_LIMIT) return null;
  return Math.max(1, Math.ceil((w.start + PREVIEW_RATE_WINDOW_MS - now) / 1000));
}

// "+" in an unencoded query string arrives as a space, so " 02:00" is read as "+02:00".
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+\- ])(\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** An ISO 8601 instant (date, time and a zone designator) → Date, or null. */
export function parseIsoInstant(s: string): Date | null {
  const m = ISO_INSTANT.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (sign !== undefined) {
    const ohn = Number(oh);
    const omn = Number(om);
    if (ohn > 23 || omn > 59) return null;
    offset = (sign === "-" ? -1 : 1) * (ohn * 60 + omn);
  }
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const t = date.getTime() - offset * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

const JSON_HEADERS = { "Cache-Control": "no-store" };

schedulePreview.get("/schedule-preview", (c) => {
  const ip = c.req.header("CF-Connecting-IP") || "unknown";
  const retryAfter = rateLimited(ip, Date.now());
  if (retryAfter !== null) {
    return c.json({ error: "rate limited" }, 429, { ...JSON_HEADERS, "Retry-After": String(retryAfter) });
  }
  const bad = (error: string, extra: Record<string, string> = {}) => c.json({ error, ...extra }, 400, JSON_HEADERS);

  const schedule = c.req.query("schedule");
  if (schedule === undefined) return bad("schedule is required");
  if ([...schedule].length > MAX_SCHEDULE_LENGTH) return bad("schedule is too long");

  const tz = c.req.query("tz") ?? "UTC";
  if (!isValidTimeZone(tz)) return bad("tz is not a valid timezone");

  let after = new Date();
  const afterParam = c.req.query("after");
  if (afterParam !== undefined) {
    const parsed = parseIsoInstant(afterParam);
    if (parsed === null) return bad("after is not a valid ISO 8601 instant (e.g. 2024-01-01T00:00:00Z)");
    after = parsed;
  }

  let n = 10;
  const nParam = c.req.query("n");
  if (nParam !== undefined) {
    if (!/^\d{1,3}$/.test(nParam) || Number(nParam) < 1 || Number(nParam) > MAX_N) {
      return bad(`n must be an integer from 1 to ${MAX_N}`);
    }
    n = Number(nParam);
  }

  const kind = guessKind(schedule);
  const v = validateSchedule(kind, schedule);
  if (!v.ok) {
    const detail = v.error === "StopIteration" ? "no occurrence after 2000-01-01" : v.error;
    return bad("schedule is not a valid cron or OnCalendar expression", { detail });
  }

  return c.json(previewSchedule(kind, schedule, tz, after, n), 200, JSON_HEADERS);
});
