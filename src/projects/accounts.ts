// What an account's deletion means for its projects: refused while it owns a project others are
// members of (they would lose it without a say); otherwise its own projects go with it.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { member } from "../db/auth-schema";
import { projects } from "../db/schema";
import { deleteProject } from "./deletion";
import { disconnect } from "./live";
import { deleteProjectOrganization } from "./membership";

/** Why the account cannot be deleted yet, or null when it can. */
export async function assertDeletable(env: Env, userId: string): Promise<string | null> {
  const shared = await drizzle(env.DB)
    .select({ name: projects.name })
    .from(projects)
    .innerJoin(member, and(eq(member.organizationId, projects.id), ne(member.userId, userId)))
    .where(and(eq(projects.owner_id, userId), isNull(projects.deleted_at)))
    .groupBy(projects.id)
    .orderBy(sql`${projects.name}`)
    .all();
  if (shared.length === 0) return null;
  const names = shared.map((p) => `"${p.name}"`).join(", ");
  return `you own ${shared.length === 1 ? "a project" : "projects"} with other members (${names}): transfer ${shared.length === 1 ? "it" : "them"} or remove the members first`;
}

/** Deletes a project and its team: the organization first, so nobody reaches it while its checks go. */
export async function removeProjectWithTeam(env: Env, projectId: string): Promise<boolean> {
  await deleteProjectOrganization(env, projectId);
  await disconnect(env, projectId);
  return deleteProject(env, projectId);
}

export async function deleteOwnedProjects(env: Env, userId: string): Promise<void> {
  const owned = await drizzle(env.DB)
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.owner_id, userId), isNull(projects.deleted_at)))
    .all();
  for (const p of owned) await removeProjectWithTeam(env, p.id);
}
