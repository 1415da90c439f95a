// Project provisioning in D1: keys are generated here, stored hashed, and returned only once.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { hashApiKey, newApiKey, newPingKey } from "../auth/keys";
import { sha256Hex } from "../crypto";
import { projects } from "../db/schema";

export interface NewProject {
  id: string;
  name: string;
  api_key: string;
  api_key_readonly: string;
  ping_key: string;
}

export async function createProject(env: Env, name: string, secret: string): Promise<NewProject> {
  const p: NewProject = {
    id: crypto.randomUUID(),
    name,
    api_key: newApiKey("hcw_"),
    api_key_readonly: newApiKey("hcr_"),
    ping_key: newPingKey(),
  };
  await drizzle(env.DB)
    .insert(projects)
    .values({
      id: p.id,
      name,
      api_key: await hashApiKey(p.api_key, secret),
      api_key_readonly: await hashApiKey(p.api_key_readonly, secret),
      ping_key_hash: await sha256Hex(p.ping_key),
      badge_key: crypto.randomUUID(),
      created: Date.now(),
    });
  return p;
}

export async function listProjects(env: Env) {
  const { results } = await env.DB.prepare(
    `SELECT p.id, p.name, p.created, (SELECT count(*) FROM checks c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS n_checks
     FROM projects p WHERE p.deleted_at IS NULL ORDER BY p.created, p.id`,
  ).all<{ id: string; name: string; created: number; n_checks: number }>();
  return results.map((r) => ({ id: r.id, name: r.name, created: new Date(r.created).toISOString(), n_checks: r.n_checks }));
}

export interface ProjectDetails {
  id: string;
  name: string;
  /** The owning user's email; null for projects created through this API and not given an owner yet. */
  owner: string | null;
  nag_period: number;
  n_checks: number;
  n_channels: number;
  created: string;
}

/** One live project with its counts, or null if it does not exist or is being deleted. */
export async function getProject(env: Env, projectId: string): Promise<ProjectDetails | null> {
  const row = await env.DB.prepare(
    `SELECT p.id, p.name, u.email AS owner, p.nag_period, p.created,
       (SELECT count(*) FROM checks c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS n_checks,
       (SELECT count(*) FROM channels ch WHERE ch.project_id = p.id) AS n_channels
     FROM projects p LEFT JOIN user u ON u.id = p.owner_id
     WHERE p.id = ? AND p.deleted_at IS NULL`,
  )
    .bind(projectId)
    .first<{ id: string; name: string; owner: string | null; nag_period: number; created: number; n_checks: number; n_channels: number }>();
  if (row === null) return null;
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    nag_period: row.nag_period,
    n_checks: row.n_checks,
    n_channels: row.n_channels,
    created: new Date(row.created).toISOString(),
  };
}

export type KeyKind = "api_key" | "api_key_readonly" | "ping_key";

/** Replaces one key; the old one stops working with this write. Null if the project does not exist. */
export async function rotateKey(env: Env, projectId: string, kind: KeyKind, secret: string): Promise<string | null> {
  const db = drizzle(env.DB);
  const where = and(eq(projects.id, projectId), isNull(projects.deleted_at));
  let value: string;
  let set: Partial<typeof projects.$inferInsert>;
  if (kind === "ping_key") {
    value = newPingKey();
    set = { ping_key_hash: await sha256Hex(value) };
  } else {
    value = newApiKey(kind === "api_key" ? "hcw_" : "hcr_");
    set = { [kind]: await hashApiKey(value, secret) };
  }
  const result = await db.update(projects).set(set).where(where).run();
  return result.meta.changes > 0 ? value : null;
}

/**
 * Sets how often a down check repeats its alert (0 = never). Down checks read it from D1 when they
 * next look (at most an hour later), so no check needs reconfiguring.
 */
export async function setNagPeriod(env: Env, projectId: string, seconds: number): Promise<boolean> {
  const result = await drizzle(env.DB)
    .update(projects)
    .set({ nag_period: seconds })
    .where(and(eq(projects.id, projectId), isNull(projects.deleted_at)))
    .run();
  return result.meta.changes > 0;
}
