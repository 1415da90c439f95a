// Telling a project's open dashboards what changed (src/projects/project-do.ts). Best effort and
// never on a ping's or an alert's critical path: callers hand the promise to waitUntil, and a lost
// event costs only a late refresh (pages also refetch on reconnect and on focus).
import type { LiveEvent } from "./project-do";

export const projectObject = (env: Env, projectId: string) => env.PROJECTS.get(env.PROJECTS.idFromName(projectId));

export async function publish(env: Env, projectId: string, events: LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await projectObject(env, projectId).publish(events);
  } catch (err) {
    console.warn(`live update for project ${projectId} not sent`, err);
  }
}

/** Closes a member's dashboards (all members' when no user is given). */
export async function disconnect(env: Env, projectId: string, userId?: string): Promise<void> {
  try {
    await projectObject(env, projectId).disconnect(userId);
  } catch (err) {
    console.warn(`dashboards of project ${projectId} not disconnected`, err);
  }
}
