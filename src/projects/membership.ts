// Projects owned by people: a project is a better-auth organization with the same id (a UUID). The
// project row, its organization row and the owner's member row are written in one D1 batch, so none
// exists without the others. Roles live in the member rows (src/auth/roles.ts says what each may do).
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { smtpConfig } from "../alerts/smtp";
import { createCheck } from "../checks/client";
import { summaryStatus, type StatusRow } from "../checks/summary-status";
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

/** A project's overall status: the most urgent status among its checks (see PROJECT_STATUS_RANK). */
export type ProjectStatus = "down" | "grace" | "up" | "new" | "paused";

/**
 * Least to most urgent. Healthchecks' projects index only tells down, late and up apart (new and
 * paused count as up); we keep "new" (no check pinged yet, or no checks at all) and "paused" (every
 * check paused) so a project that monitors nothing yet does not read as healthy.
 */
const PROJECT_STATUS_RANK: readonly ProjectStatus[] = ["paused", "new", "up", "grace", "down"];

/** A project as the projects index and the project switcher show it. */
export interface ProjectSummary extends MemberProject {
  owner_email: string | null;
  status: ProjectStatus;
  /** Some check is running (started and not yet overdue). */
  started: boolean;
  n_checks: number;
  n_down: number;
  n_grace: number;
  n_channels: number;
}

/**
 * The user's projects in creation order, each with its overall status and counts: one D1 batch of
 * two queries, however many projects. Lateness depends on the time and the schedule, which SQL
 * cannot evaluate, so the second query reads the status columns of every live check of those
 * projects and the status machine (summaryStatus) folds them here; no check object is asked.
 */
export async function listMemberProjects(env: Env, userId: string): Promise<ProjectSummary[]> {
  const [projectRows, checkRows] = await env.DB.batch([
    env.DB.prepare(
      `SELECT p.id, p.name, m.role, p.created, u.email AS owner_email, coalesce(ch.n, 0) AS n_channels
       FROM member m
       JOIN projects p ON p.id = m.organization_id AND p.deleted_at IS NULL
       LEFT JOIN user u ON u.id = p.owner_id
       LEFT JOIN (SELECT project_id, count(*) AS n FROM channels GROUP BY project_id) ch ON ch.project_id = p.id
       WHERE m.user_id = ?1
       ORDER BY p.created, p.id`,
    ).bind(userId),
    env.DB.prepare(
      `SELECT c.project_id, c.kind, c.timeout, c.grace, c.schedule, c.tz, c.status, c.last_ping, c.last_start, c.last_duration, c.n_pings
       FROM member m JOIN checks c ON c.project_id = m.organization_id AND c.deleted_at IS NULL
       WHERE m.user_id = ?1`,
    ).bind(userId),
  ]);
  const now = Date.now();
  const byProject = new Map<string, { rank: number; started: boolean; n_checks: number; n_down: number; n_grace: number }>();
  for (const row of checkRows!.results as (StatusRow & { project_id: string })[]) {
    const status = summaryStatus(row, now) as ProjectStatus;
    const p = byProject.get(row.project_id) ?? { rank: 0, started: false, n_checks: 0, n_down: 0, n_grace: 0 };
    p.rank = Math.max(p.rank, PROJECT_STATUS_RANK.indexOf(status));
    p.started ||= summaryStatus(row, now, true) === "started";
    p.n_checks++;
    if (status === "down") p.n_down++;
    if (status === "grace") p.n_grace++;
    byProject.set(row.project_id, p);
  }
  type ProjectRow = { id: string; name: string; role: string; created: number; owner_email: string | null; n_channels: number };
  return (projectRows!.results as ProjectRow[]).map((r) => {
    const { rank, ...counts } = byProject.get(r.id) ?? { rank: PROJECT_STATUS_RANK.indexOf("new"), started: false, n_checks: 0, n_down: 0, n_grace: 0 };
    return { ...r, created: new Date(r.created).toISOString(), status: PROJECT_STATUS_RANK[rank]!, ...counts };
  });
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
