// Project provisioning in D1: keys are generated here, stored hashed, and returned only once.
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

/** A project's owner as the admin API shows it; null when it has none (made here, not given one yet). */
export type ProjectOwner = { id: string; email: string } | null;

const ownerOf = (r: { owner_id: string | null; owner_email: string | null }): ProjectOwner =>
  r.owner_id === null || r.owner_email === null ? null : { id: r.owner_id, email: r.owner_email };

export async function listProjects(env: Env) {
  const { results } = await env.DB.prepare(
    `SELECT p.id, p.name, p.created, p.owner_id, u.email AS owner_email,
       (SELECT count(*) FROM checks c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS n_checks
     FROM projects p LEFT JOIN user u ON u.id = p.owner_id WHERE p.deleted_at IS NULL ORDER BY p.created, p.id`,
  ).all<{ id: string; name: string; created: number; owner_id: string | null; owner_email: string | null; n_checks: number }>();
  return results.map((r) => ({ id: r.id, name: r.name, owner: ownerOf(r), created: new Date(r.created).toISOString(), n_checks: r.n_checks }));
}

export interface ProjectDetails {
  id: string;
  name: string;
  /** The owning user; null for projects created through this API and not given an owner yet. */
  owner: ProjectOwner;
  nag_period: number;
  n_checks: number;
  n_channels: number;
  created: string;
}

/** One live project with its counts, or null if it does not exist or is being deleted. */
export async function getProject(env: Env, projectId: string): Promise<ProjectDetails | null> {
  const row = await env.DB.prepare(
    `SELECT p.id, p.name, p.owner_id, u.email AS owner_email, p.nag_period, p.created,
       (SELECT count(*) FROM checks c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS n_checks,
       (SELECT count(*) FROM channels ch WHERE ch.project_id = p.id) AS n_channels
     FROM projects p LEFT JOIN user u ON u.id = p.owner_id
     WHERE p.id = ? AND p.deleted_at IS NULL`,
  )
    .bind(projectId)
    .first<{ id: string; name: string; owner_id: string | null; owner_email: string | null; nag_period: number; created: number; n_checks: number; n_channels: number }>();
  if (row === null) return null;
  return {
    id: row.id,
    name: row.name,
    owner: ownerOf(row),
    nag_period: row.nag_period,
    n_checks: row.n_checks,
    n_channels: row.n_channels,
    created: new Date(row.created).toISOString(),
  };
}
