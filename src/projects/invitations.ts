// Invitations to a project, in the organization plugin's `invitation` table. An invitation's id
// (a random UUID) is the secret of its link. Creating one is a single conditional INSERT, so the
// per-inviter limit and the "already a member / already invited" rules hold under concurrent
// requests; accepting, declining and revoking go through the plugin (src/app/members.ts).
import type { LinkMail } from "../alerts/link-mail";
import type { AssignableRole } from "./schemas";

/** Healthchecks' limit: invitations one person may send in a rolling day. */
export const INVITATIONS_PER_DAY = 20;
/** How long an invitation link works (the plugin's invitationExpiresIn, src/auth/options.ts, is the same). */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  expires_at: string;
  inviter_email: string;
}

export type InvitationRefusal = "member" | "invited" | "limit";

/** Creates a pending invitation, or says why not (already a member, already invited, too many today). */
export async function createInvitation(
  env: Env,
  o: { projectId: string; inviterId: string; email: string; role: AssignableRole },
  now = Date.now(),
): Promise<{ id: string; email: string; role: AssignableRole; expires_at: string } | InvitationRefusal> {
  const id = crypto.randomUUID();
  const expires = now + INVITATION_TTL_MS;
  const isMember = "EXISTS (SELECT 1 FROM member m JOIN user u ON u.id = m.user_id WHERE m.organization_id = ?2 AND u.email = ?3)";
  const isInvited = "EXISTS (SELECT 1 FROM invitation WHERE organization_id = ?2 AND email = ?3 AND status = 'pending' AND expires_at > ?6)";
  const sentToday = "(SELECT count(*) FROM invitation WHERE inviter_id = ?7 AND created_at > ?8)";
  const res = await env.DB.prepare(
    `INSERT INTO invitation (id, organization_id, email, role, status, expires_at, created_at, inviter_id)
     SELECT ?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7
     WHERE NOT ${isMember} AND NOT ${isInvited} AND ${sentToday} < ?9`,
  )
    .bind(id, o.projectId, o.email, o.role, expires, now, o.inviterId, now - DAY_MS, INVITATIONS_PER_DAY)
    .run();
  if (res.meta.changes > 0) return { id, email: o.email, role: o.role, expires_at: new Date(expires).toISOString() };
  const why = await env.DB.prepare(`SELECT ${isMember} AS member, ${isInvited} AS invited`)
    .bind(null, o.projectId, o.email, null, null, now)
    .first<{ member: number; invited: number }>();
  return why?.member ? "member" : why?.invited ? "invited" : "limit";
}

/** Pending, unexpired invitations of a project, oldest first. */
export async function listPendingInvitations(env: Env, projectId: string, now = Date.now()): Promise<PendingInvitation[]> {
  const { results } = await env.DB.prepare(
    `SELECT i.id, i.email, i.role, i.expires_at, u.email AS inviter_email FROM invitation i JOIN user u ON u.id = i.inviter_id
     WHERE i.organization_id = ? AND i.status = 'pending' AND i.expires_at > ? ORDER BY i.created_at, i.id`,
  )
    .bind(projectId, now)
    .all<{ id: string; email: string; role: string; expires_at: number; inviter_email: string }>();
  return results.map((r) => ({ ...r, expires_at: new Date(r.expires_at).toISOString() }));
}

export interface InvitationView {
  id: string;
  project: { id: string; name: string };
  role: string;
  inviter_email: string;
  email: string;
  expires_at: string;
  status: string;
}

/** A pending, unexpired invitation to a live project, as the person holding its link sees it; else null. */
export async function findOpenInvitation(env: Env, id: string, now = Date.now()): Promise<InvitationView | null> {
  const row = await env.DB.prepare(
    `SELECT i.id, i.organization_id AS project_id, p.name AS project_name, i.role, u.email AS inviter_email, i.email, i.expires_at, i.status
     FROM invitation i JOIN projects p ON p.id = i.organization_id AND p.deleted_at IS NULL JOIN user u ON u.id = i.inviter_id
     WHERE i.id = ? AND i.status = 'pending' AND i.expires_at > ?`,
  )
    .bind(id, now)
    .first<{ id: string; project_id: string; project_name: string; role: string; inviter_email: string; email: string; expires_at: number; status: string }>();
  if (row === null) return null;
  return {
    id: row.id,
    project: { id: row.project_id, name: row.project_name },
    role: row.role,
    inviter_email: row.inviter_email,
    email: row.email,
    expires_at: new Date(row.expires_at).toISOString(),
    status: row.status,
  };
}

/** Whether a pending invitation with this id belongs to the project (the revoke route's tenancy check). */
export async function isPendingInvitationOf(env: Env, projectId: string, id: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT 1 FROM invitation WHERE id = ? AND organization_id = ? AND status = 'pending'").bind(id, projectId).first();
  return row !== null;
}

/** The mail that carries an invitation's link. */
export function invitationMail(o: { id: string; to: string; projectName: string; inviterEmail: string; role: string; link: string }): LinkMail {
  return {
    to: o.to,
    subject: `You are invited to ${o.projectName} on edgechecks`,
    lead: `${o.inviterEmail} invited you to join the project "${o.projectName}" on edgechecks as ${o.role === "readonly" ? "a read-only member" : `a ${o.role}`}.`,
    ask: "To accept or decline, open this link (it works for 7 days; sign in or sign up with this address first):",
    link: o.link,
    ignore: "If you do not want to join, ignore this message: nothing changes until you accept.",
    idempotencyKey: `invite:${o.id}`,
  };
}
