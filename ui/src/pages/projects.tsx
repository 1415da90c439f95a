// "/": a card per project with its overall status (down first, then by name), its counts of checks
// and integrations, its owner and your role; and a form to create one.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { api, data } from "../api";
import { ErrorText, Field, Submit } from "../components/forms";
import { useMe } from "../components/layout";
import { Page } from "../components/page";
import { StatusIcon } from "../components/status";
import { projectStatusWords } from "../project-status";
import { roleLabel } from "../roles";
import "../styles/projects.css";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function ProjectsPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: (name: string) => data(api.projects.$post({ json: { name } })),
    onSuccess: async (project) => {
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: "/projects/$id", params: { id: project.id } });
    },
  });
  const projects = [...me.projects].sort((a, b) => Number(b.status === "down") - Number(a.status === "down") || byName.compare(a.name, b.name));
  return (
    <Page title="Projects">
      {projects.length === 0 ? <p>You are not in any project yet. Create one, or ask a project's owner for an invitation.</p> : null}
      <ul className="cards project-cards">
        {projects.map((p) => {
          const words = projectStatusWords(p, p.status === "down" || p.status === "grace");
          return (
            <li key={p.id} className={`card project-card project-${p.status}`}>
              <div className="project-head">
                <span aria-hidden="true">
                  <StatusIcon status={p.status} started={p.started} />
                </span>
                <h2>
                  <Link to="/projects/$id" params={{ id: p.id }}>
                    {p.name}
                  </Link>
                </h2>
              </div>
              <p className={`project-status status-text-${p.status}`}>
                {words.charAt(0).toUpperCase() + words.slice(1)}
                {p.started ? <span className="project-running"> · a check is running</span> : null}
              </p>
              <p className="project-counts">
                <Link to="/projects/$id" params={{ id: p.id }} aria-label={`${plural(p.n_checks, "check")} in ${p.name}`}>
                  {plural(p.n_checks, "check")}
                </Link>
                {" · "}
                <Link to="/projects/$id/integrations" params={{ id: p.id }} aria-label={`${plural(p.n_channels, "integration")} in ${p.name}`}>
                  {plural(p.n_channels, "integration")}
                </Link>
              </p>
              <p className="project-people small">
                <span className="muted">Owner: </span>
                {p.owner_email === null ? <span className="muted">none</span> : p.owner_email === me.email ? "you" : <span className="owner-email">{p.owner_email}</span>}
                <span className={`role role-${p.role}`}>{roleLabel(p.role)}</span>
              </p>
            </li>
          );
        })}
      </ul>
      <form
        className="card inline-form"
        aria-labelledby="new-project"
        onSubmit={(e) => {
          e.preventDefault();
          const name = new FormData(e.currentTarget).get("name");
          create.mutate(typeof name === "string" ? name.trim() : "");
        }}
      >
        <h2 id="new-project">New project</h2>
        <div className="row">
          <Field label="Project name" name="name" required maxLength={100} />
          <Submit busy={create.isPending}>Create project</Submit>
        </div>
        <ErrorText error={create.error} />
      </form>
    </Page>
  );
}
