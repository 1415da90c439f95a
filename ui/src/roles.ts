// What each of Healthchecks' four roles may do on the dashboard's pages, as src/auth/roles.ts grants
// it on the server (test/workers/ui-roles-unit.test.ts holds the two together). The server refuses
// regardless; this only keeps controls a role cannot use off its pages.
export type Capability = "checks" | "integrations" | "rename" | "keys" | "reminders" | "team" | "transfer" | "delete";

const CAPABILITIES: Record<"owner" | "manager" | "member" | "readonly", readonly Capability[]> = {
  owner: ["checks", "integrations", "rename", "keys", "reminders", "team", "transfer", "delete"],
  manager: ["checks", "integrations", "rename", "keys", "reminders", "team"],
  member: ["checks", "integrations", "rename", "keys", "reminders"],
  readonly: [],
};

export const ROLE_NAMES = Object.keys(CAPABILITIES) as (keyof typeof CAPABILITIES)[];

export function can(role: string, capability: Capability): boolean {
  return (CAPABILITIES as Record<string, readonly Capability[] | undefined>)[role]?.includes(capability) ?? false;
}

/** How a role is written on the pages (Healthchecks' words). */
export function roleLabel(role: string): string {
  return role === "readonly" ? "Read-only" : role.charAt(0).toUpperCase() + role.slice(1);
}
