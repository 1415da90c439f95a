// What every page of a project shows under its name: your role, and the project's tabs.
import { Link } from "@tanstack/react-router";
import { roleLabel } from "../roles";

export function ProjectNav({ id, role }: { id: string; role: string }) {
  return (
    <>
      <p className="subtitle">
        Your role: <span className={`role role-${role}`}>{roleLabel(role)}</span>
      </p>
      <nav className="tabs" aria-label="Project">
        <Link to="/projects/$id" params={{ id }} activeOptions={{ exact: true, includeSearch: false }}>
          Checks
        </Link>
        <Link to="/projects/$id/integrations" params={{ id }}>
          Integrations
        </Link>
        <Link to="/projects/$id/badges" params={{ id }}>
          Badges
        </Link>
        <Link to="/projects/$id/settings" params={{ id }}>
          Settings
        </Link>
      </nav>
    </>
  );
}
