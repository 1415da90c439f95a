// /projects/:id/settings: name, API keys, reminders, team and invitations, ownership transfer,
// leaving and deleting. Controls a role cannot use are not drawn (or drawn disabled where seeing
// the value still helps); the server refuses them regardless.
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useId, useState } from "react";
import type { AssignableRole, KeyKind, NagPeriod } from "@server/app/schemas";
import { api, data } from "../api";
import { ConfirmButton, CopyButton, CopyField, ErrorText, Field, Notice, Submit } from "../components/forms";
import { useMe } from "../components/layout";
import { Page, Section } from "../components/page";
import { ProjectNav } from "../components/project-nav";
import { membersQuery, projectQuery } from "../queries";
import { can, roleLabel } from "../roles";
import { ASSIGNABLE, KEY_HINTS, KEY_KINDS, KEY_LABELS, NAG_CHOICES } from "./settings-parts";

const routeApi = getRouteApi("/_app/projects/$id/settings");

type Project = ReturnType<typeof useProject>;

function useProject(id: string) {
  return useSuspenseQuery(projectQuery(id)).data;
}

export function SettingsPage() {
  const { id } = routeApi.useParams();
  const project = useProject(id);
  return (
    <Page title={`Settings · ${project.name}`} heading={project.name}>
      <ProjectNav id={id} role={project.role} />
      {project.role === "readonly" ? (
        <p className="callout" role="note">
          You have read-only access to this project: you can see its settings but not change them.
        </p>
      ) : null}
      <NameSection project={project} />
      <KeysSection project={project} />
      <RemindersSection project={project} />
      <TeamSection project={project} />
      {can(project.role, "transfer") ? <TransferSection project={project} /> : null}
      {project.role !== "owner" ? <LeaveSection project={project} /> : null}
      {can(project.role, "delete") ? <DeleteSection project={project} /> : null}
    </Page>
  );
}


function NameSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const allowed = can(project.role, "rename");
  const rename = useMutation({
    mutationFn: (name: string) => data(api.projects[":id"].$patch({ param: { id: project.id }, json: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] === "me" || q.queryKey[1] === project.id }),
  });
  return (
    <Section id="name" title="Project name">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const name = new FormData(e.currentTarget).get("name");
          rename.mutate(typeof name === "string" ? name.trim() : "");
        }}
      >
        <Field label="Name" name="name" defaultValue={project.name} key={project.name} required maxLength={100} disabled={!allowed} />
        {allowed ? <Submit busy={rename.isPending}>Rename</Submit> : null}
      </form>
      <ErrorText error={rename.error} />
      <Notice>{rename.isSuccess ? "Renamed." : null}</Notice>
    </Section>
  );
}

function KeysSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const allowed = can(project.role, "keys");
  const [revealed, setRevealed] = useState<{ kind: KeyKind; key: string } | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["project", project.id], exact: true });
  const create = useMutation({
    mutationFn: (kind: KeyKind) => data(api.projects[":id"].keys[":kind"].$post({ param: { id: project.id, kind } })),
    onSuccess: async (made) => {
      setRevealed({ kind: made.kind, key: made.key });
      await invalidate();
    },
  });
  const revoke = useMutation({
    mutationFn: (kind: KeyKind) => data(api.projects[":id"].keys[":kind"].$delete({ param: { id: project.id, kind } })),
    onSuccess: async (_, kind) => {
      if (revealed?.kind === kind) setRevealed(null);
      await invalidate();
    },
  });
  return (
    <Section id="keys" title="API keys">
      <p className="hint">Keys are stored hashed: a new key is shown once, right after it is made. Making a key again replaces the old one.</p>
      <ul className="key-list">
        {KEY_KINDS.map((kind) => {
          const masked = project.keys[kind];
          return (
            <li key={kind}>
              <div>
                <strong>{KEY_LABELS[kind]}</strong> {masked === null ? <span className="muted">not created</span> : <code>{masked}</code>}
                <p className="hint">{KEY_HINTS[kind]}</p>
              </div>
              {allowed ? (
                <div className="actions">
                  <button type="button" disabled={create.isPending} onClick={() => create.mutate(kind)}>
                    {masked === null ? "Create" : "Regenerate"}
                    <span className="visually-hidden"> {KEY_LABELS[kind]}</span>
                  </button>
                  {masked !== null ? (
                    <ConfirmButton
                      label={`Revoke`}
                      question={`Revoke the ${KEY_LABELS[kind]}? Scripts using it stop working.`}
                      confirmLabel="Revoke"
                      danger
                      busy={revoke.isPending}
                      onConfirm={() => revoke.mutate(kind)}
                    />
                  ) : null}
                </div>
              ) : null}
              {revealed?.kind === kind ? (
                <div className="reveal">
                  <CopyField label={`New ${KEY_LABELS[kind]} (shown once)`} value={revealed.key} />
                  <p className="hint">Copy it now: it cannot be shown again.</p>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      <ErrorText error={create.error ?? revoke.error} />
    </Section>
  );
}

function RemindersSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const allowed = can(project.role, "reminders");
  const [choice, setChoice] = useState<NagPeriod | null>(null);
  const save = useMutation({
    mutationFn: (nag_period: NagPeriod) => data(api.projects[":id"].reminders.$put({ param: { id: project.id }, json: { nag_period } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["project", project.id], exact: true }),
  });
  const current = choice ?? (project.nag_period as NagPeriod);
  return (
    <Section id="reminders" title="Reminders">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(current);
        }}
      >
        <fieldset disabled={!allowed}>
          <legend>While a check stays down, repeat its alert</legend>
          <div className="radios">
            {NAG_CHOICES.map((c) => (
              <label key={c.value}>
                <input type="radio" name="nag_period" value={c.value} checked={current === c.value} onChange={() => setChoice(c.value)} /> {c.label}
              </label>
            ))}
          </div>
        </fieldset>
        {allowed ? (
          <div className="actions">
            <Submit busy={save.isPending}>Save reminders</Submit>
          </div>
        ) : null}
      </form>
      <ErrorText error={save.error} />
      <Notice>{save.isSuccess ? "Saved." : null}</Notice>
    </Section>
  );
}

function TeamSection({ project }: { project: Project }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const manage = can(project.role, "team");
  const team = useQuery(membersQuery(project.id));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["project", project.id] });
  const changeRole = useMutation({
    mutationFn: (v: { userId: string; role: AssignableRole }) =>
      data(api.projects[":id"].members[":userId"].$patch({ param: { id: project.id, userId: v.userId }, json: { role: v.role } })),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => data(api.projects[":id"].members[":userId"].$delete({ param: { id: project.id, userId } })),
    onSuccess: invalidate,
  });
  return (
    <Section id="team" title="Team">
      {team.isPending ? <p>Loading the team…</p> : null}
      <ErrorText error={team.error} />
      {team.data ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Members of {project.name}</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                {manage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {team.data.members.map((m) => {
                const editable = manage && m.role !== "owner" && m.user_id !== me.id;
                return (
                  <tr key={m.user_id}>
                    <td>
                      {m.email}
                      {m.user_id === me.id ? <span className="muted"> (you)</span> : null}
                      {m.name && m.name !== m.email.split("@")[0] ? <div className="muted small">{m.name}</div> : null}
                    </td>
                    <td>
                      {editable ? (
                        <>
                          <label className="visually-hidden" htmlFor={`role-${m.user_id}`}>
                            Role of {m.email}
                          </label>
                          <select
                            id={`role-${m.user_id}`}
                            value={m.role}
                            disabled={changeRole.isPending}
                            onChange={(e) => changeRole.mutate({ userId: m.user_id, role: e.currentTarget.value as AssignableRole })}
                          >
                            {ASSIGNABLE.map((r) => (
                              <option key={r.value} value={r.value}>
                                {r.label}
                              </option>
                            ))}
                          </select>
                        </>
                      ) : (
                        <span className={`role role-${m.role}`}>{roleLabel(m.role)}</span>
                      )}
                    </td>
                    {manage ? (
                      <td className="cell-actions">
                        {editable ? (
                          <ConfirmButton
                            label="Remove"
                            question={`Remove ${m.email}?`}
                            confirmLabel="Remove"
                            danger
                            busy={remove.isPending}
                            onConfirm={() => remove.mutate(m.user_id)}
                          />
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorText error={changeRole.error ?? remove.error} />
      {manage && team.data ? <Invitations project={project} invitations={team.data.invitations} /> : null}
    </Section>
  );
}

type Invitation = { id: string; email: string; role: string; expires_at: string; inviter_email: string };

function Invitations({ project, invitations }: { project: Project; invitations: Invitation[] }) {
  const queryClient = useQueryClient();
  const roleId = useId();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["project", project.id, "members"] });
  const invite = useMutation({
    mutationFn: (v: { email: string; role: AssignableRole }) => data(api.projects[":id"].invitations.$post({ param: { id: project.id }, json: v })),
    onSuccess: invalidate,
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) =>
      data(api.projects[":id"].invitations[":invitationId"].$delete({ param: { id: project.id, invitationId } })),
    onSuccess: invalidate,
  });
  const made = invite.data;
  return (
    <div className="invitations">
      <h3>Invitations</h3>
      {invitations.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <ul className="invitation-list">
          {invitations.map((inv) => (
            <li key={inv.id}>
              <div>
                <strong>{inv.email}</strong> as {roleLabel(inv.role)}
                <div className="muted small">
                  invited by {inv.inviter_email}, expires {new Date(inv.expires_at).toLocaleString()}
                </div>
              </div>
              <div className="actions">
                <CopyButton text="Copy link" label={`Copy the invitation link for ${inv.email}`} value={`${window.location.origin}/invite/${inv.id}`} />
                <ConfirmButton
                  label="Revoke"
                  question={`Revoke the invitation of ${inv.email}?`}
                  confirmLabel="Revoke"
                  danger
                  busy={revoke.isPending}
                  onConfirm={() => revoke.mutate(inv.id)}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
      <ErrorText error={revoke.error} />
      <form
        className="invite-form"
        aria-label="Invite a member"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          invite.mutate({ email: String(form.get("email") ?? "").trim(), role: String(form.get("role")) as AssignableRole });
          e.currentTarget.reset();
        }}
      >
        <Field label="Email address to invite" name="email" type="email" autoComplete="off" required maxLength={254} />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} name="role" defaultValue="member">
            {ASSIGNABLE.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <Submit busy={invite.isPending}>Invite</Submit>
      </form>
      <ErrorText error={invite.error} />
      {made ? (
        <div className="reveal" role="status">
          <p>
            Invited {made.email} as {roleLabel(made.role)}. Send them this link; it works once, until {new Date(made.expires_at).toLocaleString()}.
            {"email_error" in made ? ` The invitation email could not be sent: ${String(made.email_error)}` : ""}
          </p>
          <CopyField label="Invitation link" value={made.link} />
        </div>
      ) : null}
    </div>
  );
}

function TransferSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const team = useQuery(membersQuery(project.id)).data;
  const selectId = useId();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["project", project.id], exact: true });
  const offer = useMutation({
    mutationFn: (user_id: string) => data(api.projects[":id"].transfer.$post({ param: { id: project.id }, json: { user_id } })),
    onSuccess: invalidate,
  });
  const withdraw = useMutation({
    mutationFn: () => data(api.projects[":id"].transfer.$delete({ param: { id: project.id } })),
    onSuccess: invalidate,
  });
  const others = (team?.members ?? []).filter((m) => m.role !== "owner");
  return (
    <Section id="transfer" title="Transfer ownership">
      {project.transfer !== null ? (
        <>
          <p>
            Offered to <strong>{project.transfer.to.email}</strong> on {new Date(project.transfer.requested_at).toLocaleString()}; it takes effect when they
            accept. You then become a member.
          </p>
          <button type="button" disabled={withdraw.isPending} onClick={() => withdraw.mutate()}>
            Withdraw the offer
          </button>
        </>
      ) : others.length === 0 ? (
        <p className="muted">Only a member of the project can become its owner: invite someone first.</p>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            offer.mutate(String(new FormData(e.currentTarget).get("user_id")));
          }}
        >
          <div className="field">
            <label htmlFor={selectId}>New owner</label>
            <select id={selectId} name="user_id">
              {others.map((m) => (
                <option key={m.user_id} value={m.user_id}>
                  {m.email}
                </option>
              ))}
            </select>
          </div>
          <Submit busy={offer.isPending}>Offer ownership</Submit>
        </form>
      )}
      <ErrorText error={offer.error ?? withdraw.error} />
    </Section>
  );
}

function LeaveSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: () => data(api.projects[":id"].leave.$post({ param: { id: project.id } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ["project", project.id] });
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: "/" });
    },
  });
  return (
    <Section id="leave" title="Leave this project">
      <p>You lose access to its checks and settings until someone invites you again.</p>
      <ConfirmButton label="Leave project" question={`Leave ${project.name}?`} confirmLabel="Leave" danger busy={leave.isPending} onConfirm={() => leave.mutate()} />
      <ErrorText error={leave.error} />
    </Section>
  );
}

function DeleteSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => data(api.projects[":id"].$delete({ param: { id: project.id } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ["project", project.id] });
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: "/" });
    },
  });
  return (
    <Section id="delete" title="Delete this project" danger>
      <p>Deletes the project with its checks, their pings, its integrations and keys, for every member. This cannot be undone.</p>
      <ConfirmButton
        label="Delete project"
        question={`Delete ${project.name} and everything in it?`}
        confirmLabel="Delete for good"
        danger
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
      <ErrorText error={remove.error} />
    </Section>
  );
}
