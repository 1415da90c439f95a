// Ownership transfer as Healthchecks does it: the owner offers the project to an existing member
// (projects.transfer_to, transfer_requested_at); that member accepts, becomes the owner, and the
// old owner stays as a "member". The owner may cancel, the member may decline.
import type { UserRef } from "./team";

export type TransferRefusal = "not a member" | "owner";

/** Offers the project to a member (replacing any earlier offer). */
export async function requestTransfer(
  env: Env,
  projectId: string,
  toUserId: string,
): Promise<{ to: UserRef; requested_at: string } | TransferRefusal> {
  const target = await env.DB.prepare(
    "SELECT u.id, u.email, m.role FROM member m JOIN user u ON u.id = m.user_id WHERE m.organization_id = ? AND m.user_id = ?",
  )
    .bind(projectId, toUserId)
    .first<{ id: string; email: string; role: string }>();
  if (target === null) return "not a member";
  if (target.role === "owner") return "owner";
  const now = Date.now();
  const res = await env.DB.prepare(
    `UPDATE projects SET transfer_to = ?2, transfer_requested_at = ?3
     WHERE id = ?1 AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM member WHERE organization_id = ?1 AND user_id = ?2 AND role != 'owner')`,
  )
    .bind(projectId, toUserId, now)
    .run();
  if (res.meta.changes === 0) return "not a member";
  return { to: { id: target.id, email: target.email }, requested_at: new Date(now).toISOString() };
}

/** Withdraws the offer, if any: the owner cancels it, or (with `onlyFor`) the offered member declines it. */
export async function clearTransfer(env: Env, projectId: string, onlyFor?: string): Promise<void> {
  await env.DB.prepare("UPDATE projects SET transfer_to = NULL, transfer_requested_at = NULL WHERE id = ?1 AND (?2 IS NULL OR transfer_to = ?2)")
    .bind(projectId, onlyFor ?? null)
    .run();
}

/** Who the pending offer is for, or null when there is none. */
export async function pendingTransferTo(env: Env, projectId: string): Promise<string | null> {
  const row = await env.DB.prepare("SELECT transfer_to FROM projects WHERE id = ? AND deleted_at IS NULL")
    .bind(projectId)
    .first<{ transfer_to: string | null }>();
  return row?.transfer_to ?? null;
}

/**
 * The offered member takes the project: owner_id, the two member roles and the cleared offer in one
 * D1 batch. The role updates only apply once owner_id names the new owner, so an offer withdrawn in
 * the meantime changes nothing. False when no offer to this user was pending.
 */
export async function acceptTransfer(env: Env, projectId: string, userId: string): Promise<boolean> {
  const ownedByNew = "EXISTS (SELECT 1 FROM projects WHERE id = ?1 AND owner_id = ?2 AND deleted_at IS NULL)";
  const [moved] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE projects SET owner_id = ?2, transfer_to = NULL, transfer_requested_at = NULL
       WHERE id = ?1 AND transfer_to = ?2 AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM member WHERE organization_id = ?1 AND user_id = ?2)`,
    ).bind(projectId, userId),
    env.DB.prepare(`UPDATE member SET role = 'member' WHERE organization_id = ?1 AND role = 'owner' AND user_id != ?2 AND ${ownedByNew}`).bind(
      projectId,
      userId,
    ),
    env.DB.prepare(`UPDATE member SET role = 'owner' WHERE organization_id = ?1 AND user_id = ?2 AND ${ownedByNew}`).bind(projectId, userId),
  ]);
  return moved!.meta.changes > 0;
}
