// The SPA's role table (ui/src/roles.ts), which decides which controls a page draws, against the
// server's access control (src/auth/roles.ts): a page never offers what the server refuses, nor
// hides what it allows.
import { describe, expect, it } from "vitest";
import { PROJECT_ROLES, roleAllows, type Permission } from "../../src/auth/roles";
import { can, ROLE_NAMES, type Capability } from "../../ui/src/roles";

// What each control of the pages calls on the server, and the permission that route checks.
const SERVER_PERMISSION: Record<Capability, Permission> = {
  checks: { check: ["write"] }, // create, edit, pause, resume, clear, delete checks; channel switches
  integrations: { channel: ["write"] }, // create, edit, remove integrations
  rename: { project: ["rename"] }, // PATCH /projects/:id
  keys: { apiKey: ["write"] }, // POST/DELETE /projects/:id/keys/:kind
  reminders: { project: ["rename"] }, // PUT /projects/:id/reminders
  team: { member: ["update", "delete"], invitation: ["create", "cancel"] }, // members and invitations
  transfer: { project: ["transfer"] }, // POST/DELETE /projects/:id/transfer
  delete: { project: ["delete"] }, // DELETE /projects/:id
};

describe("the SPA's role table", () => {
  it("names exactly the server's roles", () => {
    expect([...ROLE_NAMES].sort()).toEqual([...PROJECT_ROLES].sort());
  });

  for (const role of PROJECT_ROLES) {
    it(`gives ${role} exactly what the server allows it`, () => {
      for (const [capability, permission] of Object.entries(SERVER_PERMISSION) as [Capability, Permission][]) {
        expect(can(role, capability), `${role} ${capability}`).toBe(roleAllows(role, permission));
      }
    });
  }

  it("gives an unknown role nothing", () => {
    for (const capability of Object.keys(SERVER_PERMISSION) as Capability[]) expect(can("admin", capability)).toBe(false);
  });
});
