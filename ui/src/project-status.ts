// A project's overall status in words (the projects index and the top bar's switcher), from the
// counts GET /me and /projects give (src/projects/membership.ts listMemberProjects).
export interface ProjectStatusCounts {
  status: string;
  n_checks: number;
  n_down: number;
  n_grace: number;
}

/** "2 down", "1 late", "up", "paused", "no pings yet", "no checks"; `of` adds the total ("2 of 5 down"). */
export function projectStatusWords(p: ProjectStatusCounts, of = false): string {
  const total = of ? ` of ${p.n_checks}` : "";
  if (p.status === "down") return `${p.n_down}${total} down`;
  if (p.status === "grace") return `${p.n_grace}${total} late`;
  if (p.status === "up" || p.status === "paused") return p.status;
  return p.n_checks === 0 ? "no checks" : "no pings yet";
}
