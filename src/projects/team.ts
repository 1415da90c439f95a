// A project's team: who is in it with which role, role changes, removal (and leaving), and the
// owner the admin API assigns. Member rows are the organization plugin's (`member`); the owner is
// named twice, by projects.owner_id and by the one member row with role "owner", and every write
// here changes both in one D1 batch.
import { disconnect } from "./live";
import { maskedKeys } from "./settings";
import type { AssignableRole, KeyKind } from "./schemas";

export interface TeamMember {
  user_id: string;
  email: string;
  name: string;
  role: string;
}

export interface UserRef {
  id: string;
  email: string;
}

export interface ProjectOverview {
  id: string;
  name: string;
  /** Null only when the owning account is gone (or an admin-made project was never given one). */
  owner: UserRef | null;
  nag_period: number;
  /** The checks list shows slug ping URLs rather than uuid ones. */
  show_slugs: boolean;
  keys: Record<KeyKind, string | null>;
  transfer: { to: UserRef; requested_at: string } | null;
}

/** A live project as its members see it: owner, reminder period, masked keys, pending transfer. */
export async function projectOverview(env: Env, projectId: string): Promise<ProjectOverview | null> {
  const row = await env.DB.prepare(
    `SELECT p.id, p.name, p.nag_period, p.show_slugs, p.api_key, p.api_key_readonly, p.ping_key_hash,
       p.owner_id, o.email AS owner_email, p.transfer_to, t.email AS transfer_email, p.transfer_requested_at
     FROM projects p LEFT JOIN user o ON o.id = p.owner_id LEFT JOIN user t ON t.id = p.transfer_to
     WHERE p.id = ? AND p.deleted_at IS NULL`,
  )
    .bind(projectId)
    .first<{
      id: string;
      name: string;
      nag_period: number;
      show_slugs: number;
      api_key: string;
      api_key_readonly: string;
      ping_key_hash: string | null;
      owner_id: string | null;
      owner_email: string | null;
      transfer_to: string | null;
      transfer_email: string | null;
      transfer_requested_at: number | null;
    }>();
  if (row === null) return null;
  return {
    id: row.id,
    name: row.name,
    owner: row.owner_id !== null && row.owner_email !== null ? { id: row.owner_id, email: row.owner_email } : null,
    nag_period: row.nag_period,
    show_slugs: row.show_slugs === 1,
    keys: maskedKeys(row),
    transfer:
      row.transfer_to !== null && row.transfer_email !== null
        ? { to: { id: row.transfer_to, email: row.transfer_email }, requested_at: new Date(row.transfer_requested_at ?? 0).toISOString() }
        : null,
  };
}

/** The members, owner first, then in the order they joined. */
export async function listMembers(env: Env, projectId: string): Promise<TeamMember[]> {
  const { results } = await env.DB.prepare(
    `SELECT m.user_id, u.email, u.name, m.role FROM member m JOIN user u ON u.id = m.user_id
     WHERE m.organization_id = ? ORDER BY m.role = 'owner' DESC, m.created_at, u.email`,
  )
    .bind(projectId)
    .all<TeamMember>();
  return results;
}

/** Why a change to a member was not made: they are not in the project, or they own it. */
export type MemberRefusal = "not a member" | "owner";

async function refusalFor(env: Env, projectId: string, userId: string): Promise<MemberRefusal> {
  const row = await env.DB.prepare("SELECT role FROM member WHERE organization_id = ? AND user_id = ?").bind(projectId, userId).first<{ role: string }>();
  return row === null ? "not a member" : "owner";
}

/** Gives a member another role. The owner's role never changes this way (ownership moves by transfer). */
export async function setMemberRole(env: Env, projectId: string, userId: string, role: AssignableRole): Promise<MemberRefusal | null> {
  const res = await env.DB.prepare("UPDATE member SET role = ? WHERE organization_id = ? AND user_id = ? AND role != 'owner'")
    .bind(role, projectId, userId)
    .run();
  return res.meta.changes > 0 ? null : refusalFor(env, projectId, userId);
}

/**
 * Removes a member (also how a member leaves). The owner cannot be removed. A pending ownership
 * transfer to the removed member is withdrawn in the same batch.
 */
export async function removeMember(env: Env, projectId: string, userId: string): Promise<MemberRefusal | null> {
  const [removed] = await env.DB.batch([
    env.DB.prepare("DELETE FROM member WHERE organization_id = ?1 AND user_id = ?2 AND role != 'owner'").bind(projectId, userId),
    env.DB.prepare(
      `UPDATE projects SET transfer_to = NULL, transfer_requested_at = NULL
       WHERE id = ?1 AND transfer_to = ?2 AND NOT EXISTS (SELECT 1 FROM member WHERE organization_id = ?1 AND user_id = ?2)`,
    ).bind(projectId, userId),
  ]);
  if (removed!.meta.changes === 0) return refusalFor(env, projectId, userId);
  await disconnect(env, projectId, userId);
  return null;
}

/**
 * Makes the user with `email` the project's owner (the admin API's way to give a project made with
 * it an owner, or to hand one over without the owner): projects.owner_id, the organization row if
 * the project has none yet (as createOwnedProject writes it), the new owner's member row (a
 * member's row is upgraded), and the previous owner becomes a "member", as after a transfer. One
 * D1 batch; a pending transfer is dropped.
 */
export async function assignOwner(env: Env, projectId: string, email: string): Promise<UserRef | "no project" | "no user"> {
  const [project, user] = await Promise.all([
    env.DB.prepare("SELECT id FROM projects WHERE id = ? AND deleted_at IS NULL").bind(projectId).first(),
    env.DB.prepare("SELECT id, email FROM user WHERE email = ?").bind(email.toLowerCase()).first<UserRef>(),
  ]);
  if (project === null) return "no project";
  if (user === null) return "no user";
  const now = Date.now();
  const db = env.DB;
  await db.batch([
    db.prepare(
      `INSERT INTO organization (id, name, slug, created_at) SELECT id, name, id, ?2 FROM projects WHERE id = ?1 AND deleted_at IS NULL
       ON CONFLICT DO NOTHING`,
    ).bind(projectId, now),
    db.prepare("UPDATE member SET role = 'member' WHERE organization_id = ?1 AND role = 'owner' AND user_id != ?2").bind(projectId, user.id),
    db.prepare("UPDATE member SET role = 'owner' WHERE organization_id = ?1 AND user_id = ?2").bind(projectId, user.id),
    db.prepare(
      `INSERT INTO member (id, organization_id, user_id, role, created_at)
       SELECT ?3, ?1, ?2, 'owner', ?4 WHERE EXISTS (SELECT 1 FROM organization WHERE id = ?1)
         AND NOT EXISTS (SELECT 1 FROM member WHERE organization_id = ?1 AND user_id = ?2)`,
    ).bind(projectId, user.id, crypto.randomUUID(), now),
    db.prepare("UPDATE projects SET owner_id = ?2, transfer_to = NULL, transfer_requested_at = NULL WHERE id = ?1 AND deleted_at IS NULL").bind(
      projectId,
      user.id,
    ),
  ]);
  return user;
}
