// One form for every kind, driven by its field table (kinds.ts). The value is checked with the
// server's own schema before it is sent (src/api/channel-spec.ts), and a problem either finds is
// shown by the field it names ("value.url_down is not a valid URL" → by the down URL field).
import { channelCreateSchema, channelUpdateSchema } from "@src/api/channel-spec";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../api";
import { Submit } from "../components/forms";
import { FieldProblem, placeProblem, type FieldSpec, type FormValues, type KindSpec, type Problem } from "./kinds";

export interface ChannelBody {
  name: string;
  value?: unknown;
}

export function ChannelForm(props: {
  spec: KindSpec;
  mode: "create" | "edit";
  initialName: string;
  /** The starting values, and the fields left empty because the stored value hides them. */
  initial: { values: FormValues; hidden: readonly string[] };
  /** The project's other channels, for a group's members. */
  others: readonly { id: string; name: string }[];
  busy: boolean;
  serverError: unknown;
  submitLabel: string;
  onSubmit: (body: ChannelBody) => void;
  onCancel: () => void;
  note?: ReactNode;
}) {
  const { spec, mode } = props;
  const base = useId();
  const [name, setName] = useState(props.initialName);
  const [values, setValues] = useState<FormValues>(props.initial.values);
  // Editing: the configuration is sent only when changed (its hidden secrets must then be typed again).
  const [touched, setTouched] = useState(mode === "create");
  const [problems, setProblems] = useState<Problem[]>([]);
  // The server's refusal stands until the form is changed or sent again.
  const [serverStale, setServerStale] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // Set by a submit: the first field with a problem then takes the focus (not while typing).
  const focusProblem = useRef(false);

  const server = props.serverError === null || props.serverError === undefined || serverStale ? null : placeProblem(spec, errorMessage(props.serverError));
  const shown = server === null ? problems : [server];
  const problemOf = (key: string | null) => shown.find((p) => p.key === key)?.text;

  useEffect(() => {
    const first = shown.find((p) => p.key !== null);
    if (!focusProblem.current || first === undefined) return;
    focusProblem.current = false;
    formRef.current?.querySelector<HTMLElement>(`[data-key="${first.key}"]`)?.focus();
  }, [problems, props.serverError]);

  const set = (key: string, v: string | boolean) => {
    setValues((old) => ({ ...old, [key]: v }));
    setTouched(true);
    forget(key);
  };
  // A problem goes once its field is changed.
  const forget = (key: string) => {
    setProblems((old) => old.filter((p) => p.key !== key));
    setServerStale(true);
  };

  function submit() {
    focusProblem.current = true;
    let value: unknown;
    try {
      value = touched ? spec.toValue(values) : undefined;
    } catch (err) {
      if (err instanceof FieldProblem) return setProblems([{ key: err.key, text: err.message }]);
      throw err;
    }
    const parsed =
      mode === "create"
        ? channelCreateSchema.safeParse({ name: name.trim(), kind: spec.kind, value })
        : channelUpdateSchema(spec.kind).safeParse({ name: name.trim(), ...(touched ? { value } : {}) });
    if (!parsed.success) return setProblems(parsed.error.issues.map((i) => placeProblem(spec, i.message)));
    setProblems([]);
    setServerStale(false);
    props.onSubmit({ name: name.trim(), ...(touched ? { value } : {}) });
  }

  const groups: { legend: string | undefined; fields: FieldSpec[] }[] = [];
  for (const f of spec.fields) {
    const last = groups.at(-1);
    if (last !== undefined && last.legend === f.group) last.fields.push(f);
    else groups.push({ legend: f.group, fields: [f] });
  }

  const fieldProps = (f: FieldSpec) => {
    const id = `${base}-${f.key}`;
    const problem = problemOf(f.key);
    const described = [f.hint ? `${id}-hint` : "", problem ? `${id}-error` : ""].filter(Boolean).join(" ");
    return { id, problem, described: described === "" ? undefined : described };
  };

  return (
    <form
      ref={formRef}
      className="channel-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {props.note}
      <div className="field">
        <label htmlFor={`${base}-name`}>Name</label>
        <input
          id={`${base}-name`}
          data-key="name"
          data-autofocus
          value={name}
          maxLength={100}
          onChange={(e) => {
            setName(e.currentTarget.value);
            forget("name");
          }}
          aria-describedby={`${base}-name-hint${problemOf("name") ? ` ${base}-name-error` : ""}`}
          aria-invalid={problemOf("name") ? true : undefined}
        />
        <p className="hint" id={`${base}-name-hint`}>
          Optional: tells this integration apart on the pages.
        </p>
        <FieldError id={`${base}-name-error`} text={problemOf("name")} />
      </div>
      {props.initial.hidden.length > 0 ? (
        <p className="hint edit-note">
          Leave the settings below as they are to keep them. Changing any of them saves them all, so type the saved values that are not shown again.
        </p>
      ) : null}
      {groups.map((g) => {
        const fields = g.fields.map((f) => (
          <KindField
            key={f.key}
            f={f}
            {...fieldProps(f)}
            value={values[f.key]}
            required={!!f.required && touched}
            hidden={props.initial.hidden.includes(f.key)}
            onChange={set}
            others={props.others}
          />
        ));
        return g.legend === undefined ? (
          fields
        ) : (
          <fieldset key={g.legend} className="field-group">
            <legend>{g.legend}</legend>
            {fields}
          </fieldset>
        );
      })}
      {problemOf(null) ? (
        <p className="error" role="alert">
          {problemOf(null)}
        </p>
      ) : null}
      <div className="actions modal-actions">
        <Submit busy={props.busy}>{props.submitLabel}</Submit>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p className="error field-error" id={id} role="alert">
      {text}
    </p>
  );
}

function KindField(props: {
  f: FieldSpec;
  id: string;
  problem: string | undefined;
  described: string | undefined;
  value: string | boolean | undefined;
  required: boolean;
  /** Saved but not shown: its placeholder says so. */
  hidden: boolean;
  others: readonly { id: string; name: string }[];
  onChange: (key: string, v: string | boolean) => void;
}) {
  const { f, id } = props;
  const [reveal, setReveal] = useState(false);
  const common = {
    id,
    "data-key": f.key,
    required: props.required,
    "aria-describedby": props.described,
    "aria-invalid": props.problem ? true : undefined,
  };
  const text = typeof props.value === "string" ? props.value : "";
  const hint = f.hint ? (
    <p className="hint" id={`${id}-hint`}>
      {f.hint}
    </p>
  ) : null;
  const error = <FieldError id={`${id}-error`} text={props.problem} />;

  if (f.type === "checkbox") {
    return (
      <div className="field-check">
        <label className="check" htmlFor={id}>
          <input type="checkbox" {...common} required={false} checked={props.value === true} onChange={(e) => props.onChange(f.key, e.currentTarget.checked)} /> {f.label}
        </label>
        {hint}
        {error}
      </div>
    );
  }

  if (f.type === "members") {
    const chosen = new Set(text === "" ? [] : text.split(","));
    const toggle = (memberId: string, on: boolean) => {
      const next = new Set(chosen);
      if (on) next.add(memberId);
      else next.delete(memberId);
      props.onChange(f.key, [...next].join(","));
    };
    return (
      <fieldset className="field-group" aria-describedby={props.described} data-key={f.key} tabIndex={-1}>
        <legend>{f.label}</legend>
        {props.others.length === 0 ? <p className="hint">This project has no other integrations to group yet.</p> : null}
        {props.others.map((o) => (
          <label key={o.id} className="check member-choice">
            <input type="checkbox" checked={chosen.has(o.id)} onChange={(e) => toggle(o.id, e.currentTarget.checked)} /> {o.name}
          </label>
        ))}
        {error}
      </fieldset>
    );
  }

  let control: ReactNode;
  if (f.type === "select") {
    control = (
      <select {...common} value={text} onChange={(e) => props.onChange(f.key, e.currentTarget.value)}>
        {f.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (f.type === "textarea" || f.type === "headers") {
    control = <textarea {...common} value={text} rows={3} placeholder={props.hidden ? "Saved; not shown" : f.placeholder} spellCheck={false} onChange={(e) => props.onChange(f.key, e.currentTarget.value)} />;
  } else if (f.type === "secret") {
    control = (
      <div className="secret-row">
        <input
          {...common}
          type={reveal ? "text" : "password"}
          autoComplete="new-password"
          spellCheck={false}
          value={text}
          placeholder={props.hidden ? "Saved; not shown" : f.placeholder}
          onChange={(e) => props.onChange(f.key, e.currentTarget.value)}
        />
        <button type="button" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
          {reveal ? "Hide" : "Show"}
          <span className="visually-hidden"> {f.label}</span>
        </button>
      </div>
    );
  } else {
    control = (
      <input
        {...common}
        type={f.type === "number" ? "text" : f.type}
        inputMode={f.type === "number" ? "numeric" : undefined}
        spellCheck={false}
        value={text}
        placeholder={props.hidden ? "Saved; not shown" : f.placeholder}
        onChange={(e) => props.onChange(f.key, e.currentTarget.value)}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {f.label}
        {f.required || f.type === "select" ? null : <span className="muted optional"> (optional)</span>}
      </label>
      {control}
      {hint}
      {error}
    </div>
  );
}
