// Healthchecks' four project roles (reference §5.2) as the organization plugin's access control.
// One statement per capability row; a role lists exactly the rows it may do.
import { createAccessControl } from "better-auth/plugins/access";

export const statements = {
  // view checks, details, ping log and bodies, integrations; send a test notification
  project: ["read", "rename", "delete", "transfer"],
  // create/edit/pause/resume/delete/copy/transfer checks, toggle channel assignment
  check: ["write"],
  // create/edit/remove integrations
  channel: ["write"],
  // create/revoke API keys and the ping key
  apiKey: ["write"],
  // the plugin's own resources: members and invitations (invite/remove members)
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
  organization: ["update", "delete"],
} as const;

export const ac = createAccessControl(statements);

const readonly = ac.newRole({ project: ["read"] });
const member = ac.newRole({ project: ["read", "rename"], check: ["write"], channel: ["write"], apiKey: ["write"], organization: ["update"] });
const manager = ac.newRole({
  project: ["read", "rename"],
  check: ["write"],
  channel: ["write"],
  apiKey: ["write"],
  organization: ["update"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
});
const owner = ac.newRole({
  project: ["read", "rename", "delete", "transfer"],
  check: ["write"],
  channel: ["write"],
  apiKey: ["write"],
  organization: ["update", "delete"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
});

export const roles = { owner, manager, member, readonly };
export type ProjectRole = keyof typeof roles;
export const PROJECT_ROLES = Object.keys(roles) as ProjectRole[];

export type Permission = { [K in keyof typeof statements]?: (typeof statements)[K][number][] };

/** Whether a member with `role` may do everything in `permission`; unknown roles may do nothing. */
export function roleAllows(role: string, permission: Permission): boolean {
  const r = (roles as Record<string, (typeof roles)[ProjectRole] | undefined>)[role];
  return r !== undefined && r.authorize(permission).success;
}
