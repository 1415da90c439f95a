// Which checks use a channel: a checkbox per check of the project, each switched on the server at
// once (PUT …/checks/:uuid/channels/:channelId), as Healthchecks' "N of M" list does.
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, data } from "../api";
import { ErrorText } from "../components/forms";
import { StatusIcon } from "../components/status";
import { Dialog } from "../components/dialog";

interface Check {
  uuid: string;
  name: string;
  status: string;
  tags: string;
}

export function AssignDialog(props: {
  projectId: string;
  channel: { id: string; checks: readonly string[] };
  name: string;
  checks: readonly Check[];
  onClose: () => void;
  onChanged: () => Promise<unknown>;
}) {
  // A click shows in the same event, until the channel read again after the change replaces it.
  const [wanted, setWanted] = useState<Record<string, boolean>>({});
  useEffect(() => setWanted({}), [props.channel.checks]);
  const on = new Set(props.checks.map((c) => c.uuid).filter((uuid) => wanted[uuid] ?? props.channel.checks.includes(uuid)));
  const change = useMutation({
    mutationFn: (v: { uuid: string; on: boolean }) =>
      data(
        api.projects[":id"].checks[":uuid"].channels[":channelId"].$put({
          param: { id: props.projectId, uuid: v.uuid, channelId: props.channel.id },
          json: { on: v.on },
        }),
      ),
    onSettled: props.onChanged,
  });
  return (
    <Dialog title={`Checks that use ${props.name}`} onClose={props.onClose}>
      {props.checks.length === 0 ? (
        <p>This project has no checks yet. Checks you add get every integration of the project.</p>
      ) : (
        <fieldset className="assign-list">
          <legend className="visually-hidden">Checks that use {props.name}</legend>
          <p className="hint">Each change is saved at once. {on.size} of {props.checks.length} checks use it.</p>
          <ul>
            {props.checks.map((c, i) => {
              const busy = change.isPending && change.variables?.uuid === c.uuid;
              return (
                <li key={c.uuid}>
                  <label className="check">
                    <input
                      type="checkbox"
                      data-autofocus={i === 0 || undefined}
                      checked={on.has(c.uuid)}
                      disabled={busy}
                      aria-busy={busy || undefined}
                      onChange={(e) => {
                        const next = e.currentTarget.checked;
                        setWanted((w) => ({ ...w, [c.uuid]: next }));
                        change.mutate({ uuid: c.uuid, on: next });
                      }}
                    />
                    <StatusIcon status={c.status} />
                    <span className="assign-name">{c.name || <span className="muted">unnamed</span>}</span>
                    {c.tags ? <span className="muted small"> {c.tags}</span> : null}
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
      <ErrorText error={change.error} />
      <div className="actions modal-actions">
        <button type="button" className="primary" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
