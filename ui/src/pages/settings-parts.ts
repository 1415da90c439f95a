// Words and choices of a project's settings, typed by the server's own request shapes.
import type { AssignableRole, KeyKind, NagPeriod } from "@server/app/schemas";

export const KEY_KINDS = ["api_key", "api_key_readonly", "ping_key"] as const satisfies readonly KeyKind[];

export const KEY_LABELS: Record<KeyKind, string> = {
  api_key: "API key",
  api_key_readonly: "API key (read-only)",
  ping_key: "Ping key",
};

export const KEY_HINTS: Record<KeyKind, string> = {
  api_key: "Reads and changes checks and integrations through the Management API.",
  api_key_readonly: "Reads checks through the Management API; changes nothing.",
  ping_key: "Pings checks by name: /ping/<ping key>/<slug>.",
};

export const NAG_CHOICES: { value: NagPeriod; label: string }[] = [
  { value: 0, label: "Off" },
  { value: 3600, label: "Hourly" },
  { value: 86400, label: "Daily" },
];

export function nagLabel(seconds: number): string {
  const choice = NAG_CHOICES.find((c) => c.value === seconds);
  return choice === undefined ? `every ${seconds} s` : choice.value === 0 ? "off" : `${choice.label.toLowerCase()} while a check is down`;
}

export const ASSIGNABLE: { value: AssignableRole; label: string }[] = [
  { value: "manager", label: "Manager" },
  { value: "member", label: "Member" },
  { value: "readonly", label: "Read-only" },
];
