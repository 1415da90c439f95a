// A project's keys and reminder period, as the admin API and the dashboard API change them. Keys are
// generated here, stored hashed and returned only once.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { hashApiKey, newApiKey, newPingKey } from "../auth/keys";
import { sha256Hex } from "../crypto";
import { projects } from "../db/schema";
import type { KeyKind } from "./schemas";

export type { KeyKind } from "./schemas";

const live = (projectId: string) => and(eq(projects.id, projectId), isNull(projects.deleted_at));

/** Replaces one key (or creates it); the old one stops working with this write. Null if the project does not exist. */
export async function rotateKey(env: Env, projectId: string, kind: KeyKind, secret: string): Promise<string | null> {
  let value: string;
  let set: Partial<typeof projects.$inferInsert>;
  if (kind === "ping_key") {
    value = newPingKey();
    set = { ping_key_hash: await sha256Hex(value) };
  } else {
    value = newApiKey(kind === "api_key" ? "hcw_" : "hcr_");
    set = { [kind]: await hashApiKey(value, secret) };
  }
  const result = await drizzle(env.DB).update(projects).set(set).where(live(projectId)).run();
  return result.meta.changes > 0 ? value : null;
}

/** Removes one key, as Healthchecks' "Revoke" does (""/NULL): it stops working with this write. */
export async function revokeKey(env: Env, projectId: string, kind: KeyKind): Promise<boolean> {
  const set: Partial<typeof projects.$inferInsert> = kind === "ping_key" ? { ping_key_hash: null } : { [kind]: "" };
  const result = await drizzle(env.DB).update(projects).set(set).where(live(projectId)).run();
  return result.meta.changes > 0;
}

/**
 * What may be shown of a project's keys: whether each exists and, for API keys, their first 4
 * characters ("hcw_…", kept in the stored form). The ping key is stored as a bare SHA-256, so
 * nothing of it is known: "…" says only that it exists.
 */
export function maskedKeys(row: { api_key: string; api_key_readonly: string; ping_key_hash: string | null }): Record<KeyKind, string | null> {
  const mask = (stored: string) => (stored === "" ? null : `${stored.slice(0, 4)}…`);
  return {
    api_key: mask(row.api_key),
    api_key_readonly: mask(row.api_key_readonly),
    ping_key: row.ping_key_hash === null || row.ping_key_hash === "" ? null : "…",
  };
}

/**
 * Sets how often a down check repeats its alert (0 = never). Down checks read it from D1 when they
 * next look (projectNagPeriod in src/checks/object-store.ts, at most an hour later), so no check
 * needs reconfiguring.
 */
export async function setNagPeriod(env: Env, projectId: string, seconds: number): Promise<boolean> {
  const result = await drizzle(env.DB).update(projects).set({ nag_period: seconds }).where(live(projectId)).run();
  return result.meta.changes > 0;
}

/** The checks list shows slug ping URLs (true) or uuid ones, for everyone in the project. */
export async function setShowSlugs(env: Env, projectId: string, on: boolean): Promise<boolean> {
  const result = await drizzle(env.DB).update(projects).set({ show_slugs: on }).where(live(projectId)).run();
  return result.meta.changes > 0;
}
