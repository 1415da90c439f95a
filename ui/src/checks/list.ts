// The checks list's derived data, pure: the order (natural names, down checks first), what each tag
// button says, which slugs repeat.
import type { ChecksSort } from "../../../src/app/schemas";
import { tagsOf } from "./filters";

/** The user's sort orders (the server's list, so a new one needs its words here). */
export const SORT_LABELS: Record<ChecksSort, string> = {
  created: "Created",
  name: "Name, A to Z",
  "-name": "Name, Z to A",
  last_ping: "Last ping, oldest first",
  "-last_ping": "Last ping, newest first",
};

export const SORTS = Object.keys(SORT_LABELS) as ChecksSort[];

/** Digits compare as numbers ("check 2" before "check 10"), letters without regard to case or accents. */
export const naturalCompare = new Intl.Collator("en", { numeric: true, sensitivity: "base" }).compare;

interface Sortable {
  uuid: string;
  name: string;
  status: string;
  last_ping: string | null;
  created: string;
}

/**
 * The list's order: down checks first, then by `sort`; ties (and "created") by creation, then UUID,
 * so the order never depends on the server's. A check never pinged counts as pinged when created.
 */
export function sortChecks<T extends Sortable>(checks: readonly T[], sort: ChecksSort): T[] {
  const created = (c: T) => Date.parse(c.created);
  const lastPing = (c: T) => (c.last_ping === null ? created(c) : Date.parse(c.last_ping));
  const byCreated = (a: T, b: T) => created(a) - created(b) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
  const byKey: Record<ChecksSort, (a: T, b: T) => number> = {
    created: () => 0,
    name: (a, b) => naturalCompare(a.name, b.name),
    "-name": (a, b) => naturalCompare(b.name, a.name),
    last_ping: (a, b) => lastPing(a) - lastPing(b),
    "-last_ping": (a, b) => lastPing(b) - lastPing(a),
  };
  const compare = byKey[sort];
  const down = (c: T) => (c.status === "down" ? 0 : 1);
  return [...checks].sort((a, b) => down(a) - down(b) || compare(a, b) || byCreated(a, b));
}

export interface TagSummary {
  tag: string;
  total: number;
  /** The colour of its button: the worst status of its checks; "none" when none is up, late or down. */
  worst: "down" | "grace" | "up" | "none";
  /** "2 of 5 down", "1 late", "5 up", "3 up, 2 new or paused", "2 new or paused". */
  text: string;
}

/** Every tag of the checks, alphabetically (natural order), with its button's colour and words. */
export function tagSummaries(checks: readonly { tags: string; status: string }[]): TagSummary[] {
  const counts = new Map<string, { total: number; down: number; grace: number; up: number }>();
  for (const c of checks) {
    for (const tag of new Set(tagsOf(c.tags))) {
      let n = counts.get(tag);
      if (n === undefined) counts.set(tag, (n = { total: 0, down: 0, grace: 0, up: 0 }));
      n.total += 1;
      if (c.status === "down" || c.status === "grace" || c.status === "up") n[c.status] += 1;
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => naturalCompare(a, b) || (a < b ? -1 : 1))
    .map(([tag, n]) => {
      const other = n.total - n.down - n.grace - n.up;
      if (n.down > 0) return { tag, total: n.total, worst: "down", text: `${n.down} of ${n.total} down` };
      if (n.grace > 0) return { tag, total: n.total, worst: "grace", text: `${n.grace} late` };
      if (n.up > 0) return { tag, total: n.total, worst: "up", text: other === 0 ? `${n.up} up` : `${n.up} up, ${other} new or paused` };
      return { tag, total: n.total, worst: "none", text: `${n.total} new or paused` };
    });
}

/** Slugs that more than one check of the project uses (pinging them by slug is ambiguous). */
export function repeatedSlugs(checks: readonly { slug: string }[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { slug } of checks) {
    if (slug === "") continue;
    if (seen.has(slug)) repeated.add(slug);
    seen.add(slug);
  }
  return repeated;
}

const CHANGE_WORDS: Record<string, string> = { up: "up", grace: "late", down: "down", paused: "paused", new: "new" };

/**
 * What the live region says when checks change status between two loads of the list ("Backups is
 * down."; "5 checks changed status: 3 down, 2 up."); null when none did. Added and removed checks are
 * not status changes.
 */
export function statusChanges(before: ReadonlyMap<string, string>, checks: readonly { uuid: string; name: string; status: string }[]): string | null {
  const changed = checks.filter((c) => before.has(c.uuid) && before.get(c.uuid) !== c.status);
  if (changed.length === 0) return null;
  const word = (s: string) => CHANGE_WORDS[s] ?? s;
  if (changed.length <= 3) return changed.map((c) => `${c.name || "Unnamed check"} is ${word(c.status)}.`).join(" ");
  const by = new Map<string, number>();
  for (const c of changed) by.set(word(c.status), (by.get(word(c.status)) ?? 0) + 1);
  return `${changed.length} checks changed status: ${[...by.entries()].map(([w, n]) => `${n} ${w}`).join(", ")}.`;
}
