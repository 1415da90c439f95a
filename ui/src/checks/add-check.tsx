// The Add Check dialog (writers only): name, slug (with the name's slug offered), tags and the
// schedule. The new check gets every integration of the project, as in Healthchecks.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, data } from "../api";
import { ErrorText, Field, Submit } from "../components/forms";
import { checksQuery } from "../queries";
import { slugify } from "@src/checks/slug";
import { Dialog } from "../components/dialog";
import { DEFAULT_SCHEDULE, ScheduleEditor, scheduleProblem, type ScheduleValue } from "./schedule-editor";
import { zonesByUse } from "./schedule-value";

/** Loaded when first opened (the schedule engine and the request schemas stay out of the list's bundle). */
export function AddCheckDialog(props: { id: string; onClose: () => void; onAdded: (name: string) => void }) {
  return (
    <Dialog onClose={props.onClose} title="Add check" wide>
      <AddCheckForm {...props} />
    </Dialog>
  );
}

function AddCheckForm({ id, onClose, onAdded }: { id: string; onClose: () => void; onAdded: (name: string) => void }) {
  const queryClient = useQueryClient();
  const checks = useQuery(checksQuery(id)).data?.checks;
  const zones = useMemo(() => zonesByUse(checks ?? []), [checks]);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [tags, setTags] = useState("");
  const [schedule, setSchedule] = useState<ScheduleValue>(DEFAULT_SCHEDULE);
  const [problem, setProblem] = useState<string | null>(null);
  const suggested = slugify(name);
  const add = useMutation({
    mutationFn: () => {
      const common = { name: name.trim(), slug, tags: tags.trim().split(/\s+/).join(" "), grace: schedule.grace };
      const json =
        schedule.kind === "simple"
          ? { ...common, kind: schedule.kind, timeout: schedule.timeout }
          : { ...common, kind: schedule.kind, schedule: schedule.schedule, tz: schedule.tz };
      return data(api.projects[":id"].checks.$post({ param: { id }, json }));
    },
    onSuccess: async (check) => {
      await queryClient.invalidateQueries({ queryKey: checksQuery(id).queryKey });
      onAdded(check.name);
      onClose();
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = scheduleProblem(schedule);
        setProblem(found);
        if (found === null) add.mutate();
      }}
    >
      <Field label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} data-autofocus autoComplete="off" />
      <Field
        label="Slug"
        value={slug}
        onChange={(e) => setSlug(e.currentTarget.value)}
        maxLength={100}
        pattern="[a-z0-9_\-]*"
        autoComplete="off"
        spellCheck={false}
        hint="Lower-case letters, digits, - and _; for ping URLs by slug."
      />
      {suggested !== "" ? (
        <p className="suggested">
          <button type="button" className="link" onClick={() => setSlug(suggested)}>
            Use suggested
          </button>{" "}
          <code>{suggested}</code>
        </p>
      ) : null}
      <Field label="Tags" value={tags} onChange={(e) => setTags(e.currentTarget.value)} maxLength={500} autoComplete="off" hint="Separated by spaces." />
      <ScheduleEditor value={schedule} onChange={setSchedule} zones={zones} idPrefix="add-check" />
      {problem !== null ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      <ErrorText error={add.error} />
      <p className="actions">
        <Submit busy={add.isPending}>Add check</Submit>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </p>
    </form>
  );
}
