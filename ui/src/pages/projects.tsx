// "/": a card per project with its name and your role, and a form to create one.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { api, data } from "../api";
import { ErrorText, Field, Submit } from "../components/forms";
import { useMe } from "../components/layout";
import { Page } from "../components/page";
import { roleLabel } from "../roles";

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
  return (
    <Page title="Projects">
      {me.projects.length === 0 ? <p>You are not in any project yet. Create one, or ask a project's owner for an invitation.</p> : null}
      <ul className="cards">
        {me.projects.map((p) => (
          <li key={p.id} className="card project-card">
            <h2>
              <Link to="/projects/$id" params={{ id: p.id }}>
                {p.name}
              </Link>
            </h2>
            <p>
              <span className={`role role-${p.role}`}>{roleLabel(p.role)}</span>
            </p>
          </li>
        ))}
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
