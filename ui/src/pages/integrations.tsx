// /projects/:id/integrations: the project's channels (what each does, which checks use it, whether
// it can deliver, how its last delivery went), a test notification for each, and for members who
// may change them, adding (every kind the alert pipeline delivers), editing, assigning and removing.
import { useMutation, useQueryClient, useSuspenseQueries, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import type { InferResponseType } from "hono/client";
import { useState } from "react";
import type { ChannelKind } from "@server/app/schemas";
import { api, data, errorMessage } from "../api";
import { ConfirmButton } from "../components/forms";
import { Page, Section } from "../components/page";
import { ProjectNav } from "../components/project-nav";
import { exactTime, relativeTime } from "../format";
import { AssignDialog } from "../integrations/assign";
import { ChannelForm, type ChannelBody } from "../integrations/channel-form";
import { Dialog } from "../components/dialog";
import { editValues, initialValues, KINDS, kindSpec, SETUP, type KindSpec } from "../integrations/kinds";
import { channelsQuery, checksQuery, projectQuery } from "../queries";
import { can } from "../roles";
import "../styles/integrations.css";

const routeApi = getRouteApi("/_app/projects/$id/integrations");

type Channel = InferResponseType<(typeof api.projects)[":id"]["channels"]["$get"]>["channels"][number];

type Open = { type: "add"; spec: KindSpec } | { type: "edit"; channelId: string } | { type: "assign"; channelId: string } | null;

/** The name a channel goes by: its own, else its kind's. */
const displayName = (c: { name: string; kind: string }) => c.name || kindSpec(c.kind)?.label || c.kind;

export function IntegrationsPage() {
  const { id } = routeApi.useParams();
  const project = useSuspenseQuery(projectQuery(id)).data;
  const [{ data: list }, { data: checkList }] = useSuspenseQueries({ queries: [channelsQuery(id), checksQuery(id)] });
  const queryClient = useQueryClient();
  const editable = can(project.role, "integrations");
  const [open, setOpen] = useState<Open>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const close = () => setOpen(null);
  // Channels, the checks' channel lists, and the projects' counts in the top bar and index.
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ["project", id] }), queryClient.invalidateQueries({ queryKey: ["me"] })]);

  const test = useMutation({
    mutationFn: (c: Channel) => data(api.projects[":id"].channels[":channelId"].test.$post({ param: { id, channelId: c.id } })),
    onMutate: () => setStatus(null),
    onSuccess: (outcome, c) =>
      setStatus(
        outcome.ok
          ? { ok: true, text: `${displayName(c)}: Test notification sent!` }
          : { ok: false, text: `${displayName(c)}: Could not send a test notification. ${outcome.error}` },
      ),
    onError: (err, c) => setStatus({ ok: false, text: `${displayName(c)}: Could not send a test notification. ${errorMessage(err)}` }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelsQuery(id).queryKey }),
  });
  const remove = useMutation({
    mutationFn: (c: Channel) => data(api.projects[":id"].channels[":channelId"].$delete({ param: { id, channelId: c.id } })),
    onSuccess: (_, c) => setStatus({ ok: true, text: `Removed ${displayName(c)}.` }),
    onError: (err, c) => setStatus({ ok: false, text: `Could not remove ${displayName(c)}: ${errorMessage(err)}` }),
    onSettled: refresh,
  });
  const create = useMutation({
    mutationFn: (body: ChannelBody & { kind: ChannelKind }) => data(api.projects[":id"].channels.$post({ param: { id }, json: body })),
    onSuccess: async (made) => {
      close();
      setStatus({ ok: true, text: `Added ${displayName(made)}${made.kind === "email" && !made.email_verified ? ": a confirmation link is on its way to the address" : ""}.` });
      await refresh();
    },
  });
  const update = useMutation({
    mutationFn: (v: { channelId: string; body: ChannelBody }) => data(api.projects[":id"].channels[":channelId"].$patch({ param: { id, channelId: v.channelId }, json: v.body })),
    onSuccess: async (saved) => {
      close();
      setStatus({ ok: true, text: `Saved ${displayName(saved)}.` });
      await refresh();
    },
  });

  const channels = list.channels;
  const names = new Map(channels.map((c) => [c.id, displayName(c)]));
  const groupable = (except?: string) => channels.filter((c) => c.kind !== "group" && c.id !== except).map((c) => ({ id: c.id, name: displayName(c) }));
  const editing = open?.type === "edit" ? channels.find((c) => c.id === open.channelId) : undefined;
  const editSpec = editing ? kindSpec(editing.kind) : undefined;
  const assigning = open?.type === "assign" ? channels.find((c) => c.id === open.channelId) : undefined;
  const nChecks = checkList.checks.length;

  return (
    <Page title={`Integrations · ${project.name}`} heading={project.name}>
      <ProjectNav id={id} role={project.role} />
      {!editable ? (
        <p className="callout" role="note">
          You have read-only access to this project: you can send test notifications but not change its integrations.
        </p>
      ) : null}
      {channels.length === 0 ? (
        <p className="callout callout-warn">
          <strong>This project has no integrations.</strong> When a check goes down, nobody is told.
          {editable ? " Add one below." : null}
        </p>
      ) : null}
      <div role="status">
        {status ? <p className={status.ok ? "notice" : "error"}>{status.text}</p> : null}
      </div>
      {channels.length > 0 ? (
        <Section id="integrations" title="Integrations">
          <table className="channels">
            <caption className="visually-hidden">Integrations of {project.name}</caption>
            <thead>
              <tr>
                <th scope="col">Integration</th>
                <th scope="col">Checks</th>
                <th scope="col">Status</th>
                <th scope="col">Last delivery</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => {
                const spec = kindSpec(c.kind);
                return (
                  <tr key={c.id}>
                    <td>
                      <div className="channel-cell">
                        <KindIcon kind={c.kind} />
                        <div className="channel-text">
                          <span className="channel-name">{displayName(c)}</span>
                          {c.name !== "" && spec ? <span className="muted small"> · {spec.label}</span> : null}
                          <div className="channel-details small">{spec ? spec.summary(c.value, names) : ""}</div>
                        </div>
                      </div>
                    </td>
                    <td data-label="Checks">
                      {editable ? (
                        <button type="button" className="link" onClick={() => setOpen({ type: "assign", channelId: c.id })}>
                          {c.n_checks} of {nChecks} checks<span className="visually-hidden"> use {displayName(c)}; change</span>
                        </button>
                      ) : (
                        <span>
                          {c.n_checks} of {nChecks} checks
                        </span>
                      )}
                    </td>
                    <td data-label="Status">
                      <ChannelState c={c} deliverable={(list.deliverable as readonly string[]).includes(c.kind)} />
                    </td>
                    <td data-label="Last delivery">
                      <LastDelivery c={c} />
                    </td>
                    <td className="cell-actions">
                      <div className="row-actions">
                        <button type="button" disabled={test.isPending && test.variables?.id === c.id} onClick={() => test.mutate(c)}>
                          {test.isPending && test.variables?.id === c.id ? "Sending…" : "Send test"}
                          <span className="visually-hidden"> to {displayName(c)}</span>
                        </button>
                        {editable && spec ? (
                          <button
                            type="button"
                            onClick={() => {
                              update.reset();
                              setOpen({ type: "edit", channelId: c.id });
                            }}
                          >
                            Edit<span className="visually-hidden"> {displayName(c)}</span>
                          </button>
                        ) : null}
                        {editable ? (
                          <ConfirmButton
                            label="Remove"
                            question={`Remove ${displayName(c)}? Its checks stop alerting through it.`}
                            confirmLabel="Remove"
                            danger
                            busy={remove.isPending && remove.variables?.id === c.id}
                            onConfirm={() => remove.mutate(c)}
                          />
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Section>
      ) : null}
      {editable ? <Catalogue deliverable={list.deliverable} nChecks={nChecks} onAdd={(spec) => { create.reset(); setOpen({ type: "add", spec }); }} /> : null}

      {open?.type === "add" ? (
        <Dialog title={`Add ${open.spec.label}`} onClose={close} wide>
          <ChannelForm
            spec={open.spec}
            mode="create"
            initialName=""
            initial={{ values: initialValues(open.spec), hidden: [] }}
            others={groupable()}
            busy={create.isPending}
            serverError={create.error}
            submitLabel="Add integration"
            onSubmit={(body) => create.mutate({ ...body, kind: open.spec.kind })}
            onCancel={close}
            note={
              <p className="hint form-note">
                {nChecks === 0
                  ? "Checks you add later use it too."
                  : `${nChecks === 1 ? "This project's check" : `All ${nChecks} checks of this project`} will use it; choose which afterwards under “Checks”.`}
              </p>
            }
          />
        </Dialog>
      ) : null}
      {editing && editSpec ? (
        <Dialog title={`Edit ${displayName(editing)}`} onClose={close} wide>
          <ChannelForm
            spec={editSpec}
            mode="edit"
            initialName={editing.name}
            initial={editValues(editSpec, editing.value)}
            others={groupable(editing.id)}
            busy={update.isPending}
            serverError={update.error}
            submitLabel="Save"
            onSubmit={(body) => update.mutate({ channelId: editing.id, body })}
            onCancel={close}
          />
        </Dialog>
      ) : null}
      {assigning ? <AssignDialog projectId={id} channel={assigning} name={displayName(assigning)} checks={checkList.checks} onClose={close} onChanged={refresh} /> : null}
    </Page>
  );
}

function KindIcon({ kind }: { kind: string }) {
  return (
    <span className={`kind-icon kind-${kind}`} aria-hidden="true">
      {kindSpec(kind)?.abbr ?? "?"}
    </span>
  );
}

function ChannelState({ c, deliverable }: { c: Channel; deliverable: boolean }) {
  if (c.disabled) {
    return (
      <span className="channel-state state-off" title={c.last_error || undefined}>
        Disabled{c.last_error ? <span className="small">: {c.last_error}</span> : null}
      </span>
    );
  }
  if (!deliverable) return <span className="channel-state state-off">Not available on this site</span>;
  if (c.kind === "email" && !c.email_verified) return <span className="channel-state state-wait">Unconfirmed</span>;
  return <span className="channel-state state-ok">Ready to deliver</span>;
}

function LastDelivery({ c }: { c: Channel }) {
  if (c.last_result === null || c.last_notify === null) return <span className="muted">Never</span>;
  const when = (
    <time dateTime={c.last_notify} title={exactTime(c.last_notify)}>
      {relativeTime(c.last_notify)}
    </time>
  );
  if (c.last_result === "sent") return <span className="delivered">Delivered {when}</span>;
  const error = c.last_error === "" ? null : <span className="delivery-error">: {c.last_error}</span>;
  if (c.last_result === "retrying") {
    return (
      <span className="retrying">
        Retrying, last tried {when}
        {error}
      </span>
    );
  }
  return (
    <span className="failed">
      <strong>Failed</strong> {when}
      {error}
    </span>
  );
}

function Catalogue({ deliverable, nChecks, onAdd }: { deliverable: readonly string[]; nChecks: number; onAdd: (spec: KindSpec) => void }) {
  const ready = KINDS.filter((k) => deliverable.includes(k.kind));
  const unset = KINDS.filter((k) => !deliverable.includes(k.kind));
  return (
    <Section id="add" title="Add an integration">
      <p className="hint">
        A new integration is used by every check of this project{nChecks > 0 ? ` (${nChecks} now)` : ""}; choose which checks use it afterwards.
      </p>
      <ul className="catalogue">
        {ready.map((k) => (
          <li key={k.kind} className="catalogue-item">
            <KindIcon kind={k.kind} />
            <div>
              <h3>{k.label}</h3>
              <p className="small muted">{k.description}</p>
            </div>
            <button type="button" className="secondary" onClick={() => onAdd(k)}>
              Add<span className="visually-hidden"> {k.label}</span>
            </button>
          </li>
        ))}
      </ul>
      {unset.length > 0 ? (
        <>
          <h3>Not set up on this site</h3>
          <ul className="catalogue-unset small">
            {unset.map((k) => (
              <li key={k.kind}>
                <strong>{k.label}</strong>: {k.description} <span className="muted">It needs {SETUP[k.kind] ?? "the site operator's setup"}.</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  );
}
