// /projects/:id: the project's landing page: name, your role, owner, team, reminders, keys, and a
// pending ownership transfer offered to you. The checks list comes here with the dashboard.
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { api, data } from "../api";
import { ErrorText } from "../components/forms";
import { useMe } from "../components/layout";
import { Page } from "../components/page";
import { ProjectNav } from "../components/project-nav";
import { membersQuery, projectQuery } from "../queries";
import { KEY_LABELS, KEY_KINDS, nagLabel } from "./settings-parts";

const routeApi = getRouteApi("/_app/projects/$id");

export function ProjectPage() {
  const { id } = routeApi.useParams();
  const me = useMe();
  const project = useSuspenseQuery(projectQuery(id)).data;
  const members = useQuery(membersQuery(id)).data;
  return (
    <Page title={project.name}>
      <ProjectNav id={id} role={project.role} />
      {project.transfer !== null && project.transfer.to.id === me.id ? <TransferOffer id={id} from={project.owner?.email ?? "The owner"} /> : null}
      <dl className="facts card">
        <dt>Owner</dt>
        <dd>{project.owner?.email ?? "none"}</dd>
        <dt>Team</dt>
        <dd>
          {members === undefined ? "…" : `${members.members.length} ${members.members.length === 1 ? "member" : "members"}`}{" "}
          (<Link to="/projects/$id/settings" params={{ id }} hash="team">
            team settings
          </Link>
          )
        </dd>
        <dt>Reminders</dt>
        <dd>{nagLabel(project.nag_period)}</dd>
        {KEY_KINDS.map((kind) => (
          <div key={kind} className="fact">
            <dt>{KEY_LABELS[kind]}</dt>
            <dd>{project.keys[kind] === null ? "not created" : <code>{project.keys[kind]}</code>}</dd>
          </div>
        ))}
      </dl>
      <p>
        This project's checks ping <code>{window.location.origin}/ping/&lt;uuid&gt;</code>. Create and change them through the Management API with
        one of its{" "}
        <Link to="/projects/$id/settings" params={{ id }} hash="keys">
          API keys
        </Link>
        .
      </p>
    </Page>
  );
}

function TransferOffer({ id, from }: { id: string; from: string }) {
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: async (accept: boolean) => {
      if (accept) await data(api.projects[":id"].transfer.accept.$post({ param: { id } }));
      else await data(api.projects[":id"].transfer.decline.$post({ param: { id } }));
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <section className="card callout" aria-labelledby="transfer-offer">
      <h2 id="transfer-offer">Ownership offered to you</h2>
      <p>{from} offers you the ownership of this project. As its owner you may delete it and transfer it again.</p>
      <ErrorText error={answer.error} />
      <p className="actions">
        <button type="button" className="primary" disabled={answer.isPending} onClick={() => answer.mutate(true)}>
          Accept ownership
        </button>
        <button type="button" disabled={answer.isPending} onClick={() => answer.mutate(false)}>
          Decline
        </button>
      </p>
    </section>
  );
}
