// The dashboard API's team routes: members and their roles, invitations (the project's side and the
// invitee's), leaving, and ownership transfer. Who may do what is src/auth/roles.ts; the rules of
// each change live in src/projects (team, invitations, transfer).
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { sendLinkEmail } from "../alerts/link-mail";
import { authBaseUrl, getAuth } from "../auth/auth";
import { roleAllows } from "../auth/roles";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";
import {
  createInvitation,
  findOpenInvitation,
  INVITATIONS_PER_DAY,
  invitationMail,
  isPendingInvitationOf,
  listPendingInvitations,
} from "../projects/invitations";
import { memberRole } from "../projects/membership";
import { listMembers, removeMember, setMemberRole } from "../projects/team";
import { acceptTransfer, clearTransfer, pendingTransferTo, requestTransfer } from "../projects/transfer";
import { invitationBody, memberRoleBody, transferBody } from "./schemas";
import { json, projectAccess, type DashboardEnv, type SessionUser } from "./shared";

/**
 * Runs one of the organization plugin's endpoints as the signed-in user; its refusals (better-call's
 * APIError) become ours. The checks before each call make these rare (races, the plugin's own limits).
 */
async function viaPlugin<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { name?: string; statusCode?: unknown; body?: { message?: unknown }; message?: string };
    if (e?.name === "APIError" && typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
      const message = typeof e.body?.message === "string" ? e.body.message : (e.message ?? "refused");
      throw new HttpError(e.statusCode === 400 && /not found/i.test(message) ? 404 : (e.statusCode as ContentfulStatusCode), message);
    }
    throw err;
  }
}

/** An invitation the signed-in user may act on: it is open, and it is addressed to their email. */
async function openInvitationFor(env: Env, rawId: string, user: SessionUser) {
  const invitation = UUID_RE.test(rawId) ? await findOpenInvitation(env, rawId) : null;
  if (invitation === null) throw new HttpError(404, "invitation not found (it may have expired, been revoked or been used)");
  if (invitation.email !== user.email.toLowerCase()) {
    throw new HttpError(403, `this invitation is for ${invitation.email}; sign in as that address`);
  }
  return invitation;
}

/** The offered member's side of a transfer: 404 when nothing is pending, 403 when it is offered to someone else. */
async function transferOfferedTo(env: Env, projectId: string, userId: string): Promise<void> {
  const to = await pendingTransferTo(env, projectId);
  if (to === null) throw new HttpError(404, "no ownership transfer is pending for this project");
  if (to !== userId) throw new HttpError(403, "this ownership transfer is offered to another member");
}

const OWNER_STAYS = "the owner cannot leave or be removed: transfer the project first";

export const membersApi = new Hono<DashboardEnv>()
  .get("/projects/:id/members", async (c) => {
    const { id, role } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["read"] });
    const [members, invitations] = await Promise.all([
      listMembers(c.env, id),
      roleAllows(role, { invitation: ["create"] }) ? listPendingInvitations(c.env, id) : Promise.resolve([]),
    ]);
    return c.json({ members, invitations });
  })
  .post("/projects/:id/invitations", json(invitationBody), async (c) => {
    const user = c.get("user");
    const { id } = await projectAccess(c.env, user.id, c.req.param("id"), { invitation: ["create"] });
    const { email, role } = c.req.valid("json");
    const made = await createInvitation(c.env, { projectId: id, inviterId: user.id, email, role });
    if (made === "member") throw new HttpError(409, `${email} is already a member of this project`);
    if (made === "invited") throw new HttpError(409, `${email} already has a pending invitation to this project`);
    if (made === "limit") {
      throw new HttpError(429, `you have sent ${INVITATIONS_PER_DAY} invitations in the last 24 hours, the most allowed; try again later`);
    }
    const siteRoot = authBaseUrl(c.env, c.req.raw);
    const link = `${siteRoot}/invite/${made.id}`;
    // Mailed when SMTP is configured (sendLinkEmail answers null otherwise); the link is in the answer either way.
    const seen = await findOpenInvitation(c.env, made.id);
    const sent =
      seen === null
        ? null
        : await sendLinkEmail(c.env, siteRoot, invitationMail({ id: made.id, to: email, projectName: seen.project.name, inviterEmail: seen.inviter_email, role, link }));
    const answer = { ...made, link };
    if (sent !== null && !sent.ok) return c.json({ ...answer, email_error: sent.error }, 201);
    return c.json(answer, 201);
  })
  .delete("/projects/:id/invitations/:invitationId", async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { invitation: ["cancel"] });
    const invitationId = c.req.param("invitationId");
    if (!UUID_RE.test(invitationId) || !(await isPendingInvitationOf(c.env, id, invitationId))) throw new HttpError(404, "invitation not found");
    await viaPlugin(() => getAuth(c.env, c.req.raw).api.cancelInvitation({ headers: c.req.raw.headers, body: { invitationId } }));
    return c.json({ id: invitationId, revoked: true });
  })
  .get("/invitations/:invitationId", async (c) => {
    const rawId = c.req.param("invitationId");
    const invitation = UUID_RE.test(rawId) ? await findOpenInvitation(c.env, rawId) : null;
    if (invitation === null) throw new HttpError(404, "invitation not found (it may have expired, been revoked or been used)");
    return c.json(invitation);
  })
  .post("/invitations/:invitationId/accept", async (c) => {
    const user = c.get("user");
    const invitation = await openInvitationFor(c.env, c.req.param("invitationId"), user);
    if ((await memberRole(c.env, user.id, invitation.project.id)) !== null) throw new HttpError(409, "you are already a member of this project");
    await viaPlugin(() => getAuth(c.env, c.req.raw).api.acceptInvitation({ headers: c.req.raw.headers, body: { invitationId: invitation.id } }));
    return c.json({ project: invitation.project, role: invitation.role });
  })
  .post("/invitations/:invitationId/decline", async (c) => {
    const invitation = await openInvitationFor(c.env, c.req.param("invitationId"), c.get("user"));
    await viaPlugin(() => getAuth(c.env, c.req.raw).api.rejectInvitation({ headers: c.req.raw.headers, body: { invitationId: invitation.id } }));
    return c.json({ id: invitation.id, declined: true });
  })
  .patch("/projects/:id/members/:userId", json(memberRoleBody), async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { member: ["update"] });
    const userId = c.req.param("userId");
    const { role } = c.req.valid("json");
    const refused = await setMemberRole(c.env, id, userId, role);
    if (refused === "not a member") throw new HttpError(404, "member not found");
    if (refused === "owner") throw new HttpError(400, "the owner's role cannot be changed: transfer the project instead");
    return c.json({ user_id: userId, role });
  })
  .delete("/projects/:id/members/:userId", async (c) => {
    const user = c.get("user");
    const userId = c.req.param("userId");
    // Removing oneself is leaving, which every role but the owner may do.
    const { id } = await projectAccess(c.env, user.id, c.req.param("id"), userId === user.id ? { project: ["read"] } : { member: ["delete"] });
    const refused = await removeMember(c.env, id, userId);
    if (refused === "not a member") throw new HttpError(404, "member not found");
    if (refused === "owner") throw new HttpError(400, OWNER_STAYS);
    return c.json({ user_id: userId, removed: true });
  })
  .post("/projects/:id/leave", async (c) => {
    const user = c.get("user");
    const { id, role } = await projectAccess(c.env, user.id, c.req.param("id"), { project: ["read"] });
    if (role === "owner") throw new HttpError(400, OWNER_STAYS);
    const refused = await removeMember(c.env, id, user.id);
    if (refused === "owner") throw new HttpError(400, OWNER_STAYS);
    return c.json({ id, left: true });
  })
  .post("/projects/:id/transfer", json(transferBody), async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["transfer"] });
    const { user_id } = c.req.valid("json");
    const offer = await requestTransfer(c.env, id, user_id);
    if (offer === "not a member") throw new HttpError(400, "the project can only be transferred to one of its members");
    if (offer === "owner") throw new HttpError(400, "you already own this project");
    return c.json({ id, transfer: offer });
  })
  .delete("/projects/:id/transfer", async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["transfer"] });
    await clearTransfer(c.env, id);
    return c.json({ id, transfer: null });
  })
  .post("/projects/:id/transfer/accept", async (c) => {
    const user = c.get("user");
    const { id } = await projectAccess(c.env, user.id, c.req.param("id"), { project: ["read"] });
    await transferOfferedTo(c.env, id, user.id);
    if (!(await acceptTransfer(c.env, id, user.id))) throw new HttpError(404, "no ownership transfer is pending for this project");
    return c.json({ id, role: "owner" });
  })
  .post("/projects/:id/transfer/decline", async (c) => {
    const user = c.get("user");
    const { id } = await projectAccess(c.env, user.id, c.req.param("id"), { project: ["read"] });
    await transferOfferedTo(c.env, id, user.id);
    await clearTransfer(c.env, id, user.id);
    return c.json({ id, transfer: null });
  });
