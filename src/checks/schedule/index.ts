// Schedule engine: cron (cronsim 2.7 semantics) and OnCalendar (oncalendar 1.1
// semantics), evaluated in IANA time zones with the runtime's Intl data.
// Pure module: no bindings, no I/O.

import { CronIterator, CronParseError, parseCron, type CronSpec } from "./cron";
import { describeCronSpec } from "./describe";
import { OnCalendarIterator, OnCalendarParseError, parseOnCalendar, type OnCalendarSpec } from "./oncalendar";
import { pySplit, pyStrip } from "./pyutil";
import { Lru } from "./cache";
import { getZone, isValidZoneName, wallFromFields, type Zone } from "./tz";

export type ScheduleKind = "cron" | "oncalendar";

export class ScheduleError extends Error {
  /** The library's message ("Bad minute", "Wrong number of fields", …). */
  readonly detail: string;
  constructor(message: string, detail?: string) {
    super(message);
    this.name = "ScheduleError";
    this.detail = detail ?? message;
  }
}

/** Healthchecks' guess_kind: "cron" for a single line of exactly 5 fields, else "oncalendar". */
export function guessKind(schedule: string): ScheduleKind {
  return !pyStrip(schedule).includes("\n") && pySplit(schedule).length === 5 ? "cron" : "oncalendar";
}

// ---------------------------------------------------------------------------
// Parsed-expression cache (small LRU keyed by kind + schedule).

type Parsed =
  | { kind: "cron"; spec: CronSpec; validation?: string | null }
  | { kind: "oncalendar"; spec: OnCalendarSpec; validation?: string | null }
  | { kind: "error"; error: string };

const cache = new Lru<Parsed>(512);

function parse(kind: ScheduleKind, schedule: string): Parsed {
  const key = `${kind}\u0000${schedule}`;
  let p = cache.get(key);
  if (p !== undefined) return p;
  try {
    p = kind === "cron" ? { kind, spec: parseCron(schedule) } : { kind, spec: parseOnCalendar(schedule) };
  } catch (e) {
    if (e instanceof CronParseError || e instanceof OnCalendarParseError) p = { kind: "error", error: e.message };
    else throw e;
  }
  cache.set(key, p);
  return p;
}

function parsedOrThrow(kind: ScheduleKind, schedule: string): Exclude<Parsed, { kind: "error" }> {
  const p = parse(kind, schedule);
  if (p.kind === "error") {
    throw new ScheduleError(`Invalid ${kind === "cron" ? "cron" : "OnCalendar"} expression: ${p.error}`, p.error);
  }
  return p;
}

/** Healthchecks' validation instant, 2000-01-01T00:00:00 (naive for cron, UTC for OnCalendar). */
const VALIDATION_START = wallFromFields(2000, 1, 1);
const UTC_ZONE = getZone("UTC");

/**
 * Validates as Healthchecks' API does: the expression must parse and have an
 * occurrence after 2000-01-01. error is the library message, or "StopIteration".
 */
export function validateSchedule(kind: ScheduleKind, schedule: string): { ok: true } | { ok: false; error: string } {
  const p = parse(kind, schedule);
  if (p.kind === "error") return { ok: false, error: p.error };
  if (p.validation === undefined) {
    const first =
      p.kind === "cron"
        ? new CronIterator(p.spec, null, VALIDATION_START).next()
        : new OnCalendarIterator(p.spec, UTC_ZONE, VALIDATION_START).next();
    p.validation = first === null ? "StopIteration" : null;
  }
  return p.validation === null ? { ok: true } : { ok: false, error: p.validation };
}

/** True when `tz` is a zone Healthchecks accepts (case-sensitive IANA name the runtime knows). */
export function isValidTimeZone(tz: string): boolean {
  return isValidZoneName(tz);
}

function zoneOrThrow(tz: string): Zone {
  try {
    return getZone(tz);
  } catch (e) {
    if (e instanceof RangeError) throw new ScheduleError(`Unknown time zone: ${tz}`);
    throw e;
  }
}

interface Iter {
  next(): number | null;
}

function iterator(kind: ScheduleKind, schedule: string, tz: string, after: Date): Iter {
  const p = parsedOrThrow(kind, schedule);
  const zone = zoneOrThrow(tz);
  const ms = after.getTime();
  if (!Number.isFinite(ms)) throw new ScheduleError("Invalid date");
  // Both libraries drop sub-second precision first.
  const start = Math.floor(ms / 1000);
  return p.kind === "cron" ? new CronIterator(p.spec, zone, start) : new OnCalendarIterator(p.spec, zone, start);
}

/**
 * First fire time after `after` evaluated in `tz` (1-second resolution; null when
 * there is none). Throws ScheduleError for an invalid expression or zone.
 */
export function nextFireTime(kind: ScheduleKind, schedule: string, tz: string, after: Date): Date | null {
  const v = iterator(kind, schedule, tz, after).next();
  return v === null ? null : new Date(v * 1000);
}

/** The next up-to-n fire times, exactly as iterating the library yields them. */
export function nextFireTimes(kind: ScheduleKind, schedule: string, tz: string, after: Date, n: number): Date[] {
  const it = iterator(kind, schedule, tz, after);
  const out: Date[] = [];
  while (out.length < n) {
    const v = it.next();
    if (v === null) break;
    out.push(new Date(v * 1000));
  }
  return out;
}

/** Human description of a cron expression. Throws ScheduleError when it does not parse. */
export function describeCron(schedule: string): string {
  const p = parsedOrThrow("cron", schedule);
  if (p.kind !== "cron") throw new ScheduleError("not a cron expression");
  return describeCronSpec(p.spec);
}

