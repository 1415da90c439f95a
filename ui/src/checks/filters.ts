// The checks list's filters as they live in the query string (tags, status, search text), and the
// test each check must pass. Pure, so the unit tests hold the URL format and the matching together.

/** The status filter's values: a check's status, or "started" for a run in progress. */
export const FILTER_STATUSES = ["new", "paused", "started", "up", "grace", "down"] as const;
export type FilterStatus = (typeof FILTER_STATUSES)[number];

export interface ChecksSearch {
  /** Every one of these tags (AND). */
  tag?: string[];
  /** Any of these (OR). */
  status?: FilterStatus[];
  /** Part of the name, slug or UUID, any case. */
  q?: string;
}

const MAX_TAGS = 50;
const MAX_Q = 200;

/** The router reads each value as JSON when it can: a hand-written `?q=42` or `?tag=true` is a number or a boolean. */
const text = (v: unknown): string => (typeof v === "string" ? v.trim() : typeof v === "number" || typeof v === "boolean" ? String(v) : "");

/** A hand-written `?tag=a` is one value, the router's `?tag=["a","b"]` a list. */
function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of list) {
    const s = text(v);
    if (s !== "" && !/\s/.test(s) && !out.includes(s)) out.push(s);
  }
  return out.slice(0, MAX_TAGS);
}

/** The router's validateSearch for /projects/$id: unknown or malformed values are dropped. */
export function checksSearch(search: Record<string, unknown>): ChecksSearch {
  const out: ChecksSearch = {};
  const tag = strings(search.tag);
  if (tag.length > 0) out.tag = tag;
  const status = strings(search.status).filter((s): s is FilterStatus => (FILTER_STATUSES as readonly string[]).includes(s));
  if (status.length > 0) out.status = FILTER_STATUSES.filter((s) => status.includes(s));
  const q = text(search.q).slice(0, MAX_Q);
  if (q !== "") out.q = q;
  return out;
}

export const hasFilters = (s: ChecksSearch) => s.tag !== undefined || s.status !== undefined || s.q !== undefined;

/** What the filters look at in a check. */
interface Filterable {
  uuid: string;
  name: string;
  slug: string;
  tags: string;
  status: string;
  started: boolean;
}

/** A check's tags: its space-separated `tags` field. */
export const tagsOf = (tags: string): string[] => tags.split(/\s+/).filter((t) => t !== "");

/** Does the check pass every filter? `q` is compared lower-cased: pass it lower-cased. */
export function matches(check: Filterable, f: { tag?: readonly string[]; status?: readonly string[]; q?: string }): boolean {
  if (f.tag !== undefined) {
    const own = tagsOf(check.tags);
    if (!f.tag.every((t) => own.includes(t))) return false;
  }
  if (f.status !== undefined && !f.status.some((s) => (s === "started" ? check.started : check.status === s))) return false;
  if (f.q !== undefined && f.q !== "") {
    const q = f.q;
    if (!check.name.toLowerCase().includes(q) && !check.slug.includes(q) && !check.uuid.includes(q)) return false;
  }
  return true;
}
