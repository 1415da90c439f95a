// Time zone arithmetic on top of the runtime's Intl data (no bundled tz database).
//
// Times are plain numbers of seconds:
// - an *instant* is seconds since 1970-01-01T00:00:00Z;
// - a *wall* time is the local calendar date and clock time encoded the same way,
//   as if that wall time were UTC ("local epoch seconds").
//
// Python's datetime/zoneinfo model is mirrored because the schedule libraries we
// reproduce depend on it: a wall time plus a `fold` bit (0 = first occurrence of
// an ambiguous time, 1 = second) maps to an instant; a wall time that does not
// exist (spring-forward gap) maps with fold=0 using the offset from before the
// transition, and with fold=1 using the offset from after it.

export const DAY = 86_400;

// ---------------------------------------------------------------------------
// Proleptic Gregorian calendar helpers (days since 1970-01-01).

/** Days since 1970-01-01 of the given civil date (month 1-12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Civil date of a day number; returns [year, month 1-12, day 1-31]. */
export function civilFromDays(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDays(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_LENGTHS[m - 1]!;
}

/** Broken-down wall time. */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallFromFields(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  return daysFromCivil(y, mo, d) * DAY + h * 3600 + mi * 60 + s;
}

export function fieldsOfWall(w: number): Fields {
  const days = Math.floor(w / DAY);
  const sod = w - days * DAY;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(sod / 3600),
    minute: Math.floor(sod / 60) % 60,
    second: sod % 60,
  };
}

// ---------------------------------------------------------------------------
// Zones

/** Wall time and fold of an instant in a zone. */
export interface WallTime {
  wall: number;
  fold: 0 | 1;
}

export interface Zone {
  readonly name: string;
  /** UTC offset in seconds at an instant. */
  offsetAt(instant: number): number;
  /** Instant of a wall time, Python zoneinfo rules for gaps and folds. */
  toInstant(wall: number, fold: 0 | 1): number;
  /** Wall time and fold of an instant. */
  toWall(instant: number): WallTime;
  /** True when the wall time does not exist (it lies in a spring-forward gap). */
  isImaginary(wall: number): boolean;
}

class FixedZone implements Zone {
  constructor(
    readonly name: string,
    private readonly offset: number,
  ) {}
  offsetAt(): number {
    return this.offset;
  }
  toInstant(wall: number): number {
    return wall - this.offset;
  }
  toWall(instant: number): WallTime {
    return { wall: instant + this.offset, fold: 0 };
  }
  isImaginary(): boolean {
    return false;
  }
}

/** Offset segments of one UTC day: a single offset, or [start, offset] pairs. */
type DayInfo = number | number[];

const MAX_DAYS_CACHED = 50_000;
const DIGITS = /(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)/;

class IntlZone implements Zone {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly boundaryOffsets = new Map<number, number>();
  private readonly days = new Map<number, DayInfo>();

  constructor(
    readonly name: string,
    fmt: Intl.DateTimeFormat,
  ) {
    this.fmt = fmt;
  }

  /** Offset straight from Intl (slow path). */
  private rawOffset(instant: number): number {
    // en-US numeric output, e.g. "3/31/2024, 04:00:00": format() is several times
    // faster than formatToParts().
    const m = DIGITS.exec(this.fmt.format(instant * 1000));
    if (!m) throw new RangeError(`Unexpected Intl output for ${this.name}`);
    return wallFromFields(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) - instant;
  }

  private boundary(day: number): number {
    let o = this.boundaryOffsets.get(day);
    if (o === undefined) {
      o = this.rawOffset(day * DAY);
      this.boundaryOffsets.set(day, o);
    }
    return o;
  }

  private dayInfo(day: number): DayInfo {
    let info = this.days.get(day);
    if (info !== undefined) return info;
    if (this.days.size >= MAX_DAYS_CACHED) {
      this.days.clear();
      this.boundaryOffsets.clear();
    }
    const o0 = this.boundary(day);
    const o1 = this.boundary(day + 1);
    if (o0 === o1) {
      info = o0;
    } else {
      // One or more transitions inside the day: find each by bisection.
      const segs: number[] = [day * DAY, o0];
      let lo = day * DAY;
      let oLo = o0;
      const end = (day + 1) * DAY;
      while (oLo !== o1) {
        let hi = end;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.rawOffset(mid) === oLo) lo = mid;
          else hi = mid;
        }
        const oHi = hi === end ? o1 : this.rawOffset(hi);
        segs.push(hi, oHi);
        lo = hi;
        oLo = oHi;
        if (hi === end) break;
      }
      info = segs;
    }
    this.days.set(day, info);
    return info;
  }

  offsetAt(instant: number): number {
    const info = this.dayInfo(Math.floor(instant / DAY));
    if (typeof info === "number") return info;
    let off = info[1]!;
    for (let i = 2; i < info.length; i += 2) {
      if (instant >= info[i]!) off = info[i + 1]!;
      else break;
    }
    return off;
  }

  toInstant(wall: number, fold: 0 | 1): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    if (before === after) return wall - before;
    const c0 = wall - before;
    const c1 = wall - after;
    const ok0 = this.offsetAt(c0) === before;
    const ok1 = this.offsetAt(c1) === after;
    if (ok0 && ok1) return fold === 0 ? Math.min(c0, c1) : Math.max(c0, c1);
    if (ok0) return c0;
    if (ok1) return c1;
    // In a gap: fold=0 uses the offset from before the transition.
    return fold === 0 ? c0 : c1;
  }

  toWall(instant: number): WallTime {
    const wall = instant + this.offsetAt(instant);
    return { wall, fold: this.toInstant(wall, 0) === instant ? 0 : 1 };
  }

  isImaginary(wall: number): boolean {
    const u = this.toInstant(wall, 0);
    return u + this.offsetAt(u) !== wall;
  }
}

const zones = new Map<string, Zone>();

/** Names the runtime resolves to plain UTC. */
const UTC_NAMES = new Set(["UTC", "Etc/UTC"]);

function formatter(name: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: name,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}

/**
 * The zone object for an IANA name (cached; constructing Intl formatters is slow).
 * Throws RangeError when the runtime does not know the name.
 */
export function getZone(name: string): Zone {
  let z = zones.get(name);
  if (z) return z;
  if (UTC_NAMES.has(name)) {
    z = new FixedZone(name, 0);
  } else {
    const fmt = formatter(name); // throws RangeError for an unknown zone
    z = UTC_NAMES.has(fmt.resolvedOptions().timeZone) ? new FixedZone(name, 0) : new IntlZone(name, fmt);
  }
  if (zones.size >= 1000) zones.clear();
  zones.set(name, z);
  return z;
}

const validity = new Map<string, boolean>();

/** Drop every cached zone and offset (benchmarks and tests measure cold behaviour with it). */
export function clearZoneCaches(): void {
  zones.clear();
  validity.clear();
}

/**
 * A case-sensitive IANA zone name the runtime knows, as Python's ZoneInfo would
 * accept it on Linux. Offset strings ("+05:00") that Intl may accept are rejected.
 */
export function isValidZoneName(name: string): boolean {
  const cached = validity.get(name);
  if (cached !== undefined) return cached;
  let ok = false;
  if (name.length > 0 && name.length <= 64 && /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name)) {
    let resolved: string | undefined;
    try {
      resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      resolved = undefined;
    }
    if (resolved !== undefined) {
      if (resolved === name) ok = true;
      else if (resolved.toLowerCase() === name.toLowerCase()) ok = false; // wrong case
      else {
        // A link name the runtime canonicalised ("US/Eastern" → "America/New_York"):
        // Intl no longer tells us the proper case, so require the tzdb naming shape.
        ok = name.split("/").every((seg) => /^[A-Z]/.test(seg)) || name === "Etc/UTC";
      }
    }
  }
  if (validity.size > 1000) validity.clear();
  validity.set(name, ok);
  return ok;
}
