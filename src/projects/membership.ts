// Projects owned by people: a project is a better-auth organization with the same id (a UUID). The
// project row, its organization row and the owner's member row are written in one D1 batch, so none
// exists without the others. Roles live in the member rows (src/auth/roles.ts says what each may do).
import { and, asc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { smtpConfig } from "../alerts/smtp";
import { createCheck } from "../checks/client";
import { member, organization, user } from "../db/auth-schema";
import { channels, projects } from "../db/schema";

export interface MemberProject {
  id: string;
  name: string;
  role: string;
  created: string;
}

/** Creates a project owned by `userId`, with no API keys yet (Healthchecks makes them on request). */
export async function createOwnedProject(env: Env, userId: string, name: string): Promise<MemberProject> {
  const id = crypto.randomUUID();
  const now = new Date();
  const db = drizzle(env.DB);
  await db.batch([
    db.insert(projects).values({ id, name, owner_id: userId, badge_key: crypto.randomUUID(), created: now.getTime() }),
    db.insert(organization).values({ id, name, slug: id, createdAt: now }),
    db.insert(member).values({ id: crypto.randomUUID(), organizationId: id, userId, role: "owner", createdAt: now }),
  ]);
  return { id, name, role: "owner", created: now.toISOString() };
}

/**
 * What sign-up makes, as Healthchecks does: a project with one check, "My First Check", and, when
 * the site can send email, an email channel to the user's own address (confirmed: sign-up proved
 * nothing about it, but the user typed it themselves) assigned to that check.
 */
export async function createDefaultProject(env: Env, user: { id: string; email: string }, origin = ""): Promise<MemberProject> {
  const project = await createOwnedProject(env, user.id, DEFAULT_PROJECT_NAME);
  const channelIds: string[] = [];
  if (smtpConfig(env) !== null) {
    const id = crypto.randomUUID();
    await drizzle(env.DB)
      .insert(channels)
      .values({ id, project_id: project.id, name: "", kind: "email", value: JSON.stringify({ value: user.email, up: true, down: true }), created: Date.now(), email_verified: true });
    channelIds.push(id);
  }
  await createCheck(env, project.id, { name: "My First Check", slug: "my-first-check" }, origin, channelIds);
  return project;
}

export const DEFAULT_PROJECT_NAME = "My Project";

export async function listMemberProjects(env: Env, userId: string): Promise<MemberProject[]> {
  const rows = await drizzle(env.DB)
    .select({ id: projects.id, name: projects.name, role: member.role, created: projects.created })
    .from(member)
    .innerJoin(projects, and(eq(projects.id, member.organizationId), isNull(projects.deleted_at)))
    .where(eq(member.userId, userId))
    .orderBy(asc(projects.created), asc(projects.id))
    .all();
  return rows.map((r) => ({ ...r, created: new Date(r.created).toISOString() }));
}

/** The user's role in a live project, or null when they are not a member (or it does not exist). */
export async function memberRole(env: Env, userId: string, projectId: string): Promise<string | null> {
  const row = await drizzle(env.DB)
    .select({ role: member.role })
    .from(member)
    .innerJoin(projects, and(eq(projects.id, member.organizationId), isNull(projects.deleted_at)))
    .where(and(eq(member.userId, userId), eq(member.organizationId, projectId)))
    .get();
  return row?.role ?? null;
}

export async function renameProject(env: Env, projectId: string, name: string): Promise<boolean> {
  const db = drizzle(env.DB);
  const [res] = await db.batch([
    db.update(projects).set({ name }).where(and(eq(projects.id, projectId), isNull(projects.deleted_at))),
    db.update(organization).set({ name }).where(eq(organization.id, projectId)),
  ]);
  return res.meta.changes > 0;
}

/** Removes the organization side of a project (members and invitations cascade). */
export async function deleteProjectOrganization(env: Env, projectId: string): Promise<void> {
  await drizzle(env.DB).delete(organization).where(eq(organization.id, projectId)).run();
}

/** The account's own settings (name, time zone); answers the row as stored. */
export async function updateAccount(env: Env, userId: string, changes: { name?: string; timeZone?: string; checksSort?: string }) {
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const [row] = await drizzle(env.DB)
    .update(user)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(user.id, userId))
    .returning({ id: user.id, name: user.name, timeZone: user.timeZone, checksSort: user.checksSort });
  if (row === undefined) throw new Error(`account ${userId} vanished`);
  return { ...row, timeZone: row.timeZone ?? "UTC", checksSort: row.checksSort ?? "created" };
}
