// The schedule form of the Add Check and Change Schedule dialogs: a simple period, a cron expression
// or OnCalendar lines, each with its grace time; the preview is computed here, in the browser, by the
// engine the check's alarms run.
import { guessKind } from "@src/checks/schedule/index";
import { useId, useMemo, useRef, useState } from "react";
import { formatDuration, relativeTime } from "../format";
import {
  DEFAULT_EXPRESSION,
  joinSeconds,
  schedulePreview,
  scheduleProblems,
  secondsToSlider,
  SLIDER_MARKS,
  SLIDER_MAX,
  sliderToSeconds,
  splitSeconds,
  UNITS,
  zoneChoices,
  type ScheduleValue,
  type Unit,
} from "./schedule-value";
import "../styles/schedule-editor.css";

export { DEFAULT_SCHEDULE, scheduleProblem, type ScheduleValue } from "./schedule-value";

const KINDS = [
  { kind: "simple", label: "Simple" },
  { kind: "cron", label: "Cron" },
  { kind: "oncalendar", label: "OnCalendar" },
] as const;

export function ScheduleEditor(props: { value: ScheduleValue; onChange: (v: ScheduleValue) => void; zones: string[]; idPrefix: string }) {
  const { value, onChange, idPrefix } = props;
  const problems = scheduleProblems(value);
  // What was typed in each expression tab, so that switching tabs and back keeps it.
  const typed = useRef({
    cron: guessKind(value.schedule) === "cron" ? value.schedule : DEFAULT_EXPRESSION.cron,
    oncalendar: guessKind(value.schedule) === "oncalendar" ? value.schedule : DEFAULT_EXPRESSION.oncalendar,
  });
  const setKind = (kind: ScheduleValue["kind"]) => {
    if (value.kind !== "simple") typed.current[value.kind] = value.schedule;
    onChange({ ...value, kind, schedule: kind === "simple" ? value.schedule : typed.current[kind] });
  };
  const grace = (
    <DurationField
      id={`${idPrefix}-grace`}
      label="Grace time"
      hint="How long to wait after a ping is due before alerting."
      seconds={value.grace}
      onChange={(grace) => onChange({ ...value, grace })}
      error={problems.grace}
    />
  );
  return (
    <div className="schedule-editor">
      <fieldset className="kind-switch">
        <legend>Schedule type</legend>
        <div className="schedule-kinds">
          {KINDS.map(({ kind, label }) => (
            <label key={kind}>
              <input type="radio" name={`${idPrefix}-kind`} value={kind} checked={value.kind === kind} onChange={() => setKind(kind)} />
              <span>{label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {value.kind === "simple" ? (
        <>
          <DurationField
            id={`${idPrefix}-period`}
            label="Period"
            hint="How often the check is expected to ping."
            seconds={value.timeout}
            onChange={(timeout) => onChange({ ...value, timeout })}
            error={problems.timeout}
          />
          {grace}
        </>
      ) : (
        <>
          <ExpressionField id={`${idPrefix}-expr`} value={value} onChange={(schedule) => onChange({ ...value, schedule })} error={problems.schedule} />
          <ZoneField id={`${idPrefix}-tz`} value={value.tz} zones={props.zones} onChange={(tz) => onChange({ ...value, tz })} error={problems.tz} />
          {problems.schedule === undefined && problems.tz === undefined ? <Preview kind={value.kind} schedule={value.schedule} tz={value.tz} /> : null}
          {grace}
        </>
      )}
    </div>
  );
}

/** An error line under a field, which the field names with aria-describedby. */
function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <p className="field-error" id={id}>
      {error.charAt(0).toUpperCase() + error.slice(1)}
    </p>
  );
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

interface Draft {
  text: string;
  unit: Unit;
  /** The seconds the text and unit stand for (NaN while the text is not a number). */
  seconds: number;
}

function draftOf(seconds: number): Draft {
  const { amount, unit } = splitSeconds(seconds);
  return { text: String(Math.round(amount * 100) / 100), unit, seconds };
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** A duration as a log-scale slider and a number with its unit, kept in step. */
function DurationField(props: { id: string; label: string; hint: string; seconds: number; onChange: (s: number) => void; error: string | undefined }) {
  const { id, seconds, onChange, error } = props;
  const [draft, setDraft] = useState(() => draftOf(seconds));
  // The slider (or the parent) changed the value: show it as number and unit.
  let shown = draft;
  if (!same(draft.seconds, seconds)) {
    shown = draftOf(seconds);
    setDraft(shown);
  }
  const edit = (text: string, unit: Unit) => {
    const next = { text, unit, seconds: joinSeconds(text.trim() === "" ? NaN : Number(text), unit) };
    setDraft(next);
    onChange(next.seconds);
  };
  const errorId = `${id}-error`;
  const valid = Number.isFinite(seconds);
  return (
    <fieldset className="duration" aria-describedby={describedBy(`${id}-hint`, error !== undefined && errorId)}>
      <legend>
        {props.label} <output htmlFor={`${id}-slider ${id}-amount ${id}-unit`}>{valid ? formatDuration(seconds) : "—"}</output>
      </legend>
      <p className="hint" id={`${id}-hint`}>
        {props.hint}
      </p>
      <input
        id={`${id}-slider`}
        type="range"
        min={0}
        max={SLIDER_MAX}
        step={1}
        value={Math.round(secondsToSlider(seconds))}
        aria-label={props.label}
        aria-valuetext={valid ? formatDuration(seconds) : "not set"}
        list={`${id}-marks`}
        onChange={(e) => onChange(sliderToSeconds(Number(e.currentTarget.value)))}
      />
      <datalist id={`${id}-marks`}>
        {SLIDER_MARKS.map((m) => (
          <option key={m.position} value={m.position} />
        ))}
      </datalist>
      <div className="slider-marks" aria-hidden="true">
        {SLIDER_MARKS.map((m) => (
          <span key={m.position} style={{ left: `${(m.position / SLIDER_MAX) * 100}%` }}>
            {m.label}
          </span>
        ))}
      </div>
      <div className="amount-row">
        <label className="visually-hidden" htmlFor={`${id}-amount`}>
          {props.label}, number
        </label>
        <input
          id={`${id}-amount`}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={shown.text}
          aria-invalid={error !== undefined || undefined}
          aria-describedby={describedBy(error !== undefined && errorId)}
          onChange={(e) => edit(e.currentTarget.value, shown.unit)}
        />
        <label className="visually-hidden" htmlFor={`${id}-unit`}>
          {props.label}, unit
        </label>
        <select id={`${id}-unit`} value={shown.unit} onChange={(e) => edit(shown.text, e.currentTarget.value as Unit)}>
          {(Object.keys(UNITS) as Unit[]).map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </div>
      <FieldError id={errorId} error={error} />
    </fieldset>
  );
}

function ExpressionField({ id, value, onChange, error }: { id: string; value: ScheduleValue; onChange: (s: string) => void; error: string | undefined }) {
  const errorId = `${id}-error`;
  const common = {
    id,
    value: value.schedule,
    spellCheck: false,
    autoComplete: "off",
    autoCapitalize: "off",
    className: "mono",
    "aria-invalid": error !== undefined || undefined,
    "aria-describedby": describedBy(`${id}-hint`, error !== undefined && errorId),
  } as const;
  return (
    <div className="field">
      {value.kind === "cron" ? (
        <>
          <label htmlFor={id}>Cron expression</label>
          <input {...common} onChange={(e) => onChange(e.currentTarget.value)} />
          <p className="hint" id={`${id}-hint`}>
            Five fields: minute, hour, day of month, month, day of week. For example <code>0 9 * * 1-5</code> is 09:00 on weekdays.
          </p>
        </>
      ) : (
        <>
          <label htmlFor={id}>OnCalendar expression</label>
          <textarea {...common} rows={3} onChange={(e) => onChange(e.currentTarget.value)} />
          <p className="hint" id={`${id}-hint`}>
            One systemd calendar event a line; the check is due at any of them. For example <code>Mon..Fri *-*-* 09:00:00</code>.
          </p>
        </>
      )}
      <FieldError id={errorId} error={error} />
    </div>
  );
}

function ZoneField({ id, value, zones, onChange, error }: { id: string; value: string; zones: string[]; onChange: (tz: string) => void; error: string | undefined }) {
  const choices = useMemo(() => zoneChoices(zones), [zones]);
  const known = choices.all.includes(value);
  return (
    <div className="field">
      <label htmlFor={id}>Time zone</label>
      <select
        id={id}
        value={value}
        aria-invalid={error !== undefined || undefined}
        aria-describedby={describedBy(error !== undefined && `${id}-error`)}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {known ? null : <option value={value}>{value}</option>}
        {choices.preferred.length > 0 ? (
          <optgroup label="Used in this project">
            {choices.preferred.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </optgroup>
        ) : null}
        <optgroup label="All time zones">
          {choices.all.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </optgroup>
      </select>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** The description and next fire times of a valid expression. */
function Preview({ kind, schedule, tz }: Pick<ScheduleValue, "kind" | "schedule" | "tz">) {
  const headingId = useId();
  // Recomputed only when the expression or the zone changes (OnCalendar searches can take a while).
  const preview = useMemo(() => schedulePreview({ kind, schedule, tz }, new Date()), [kind, schedule, tz]);
  const format = useMemo(() => zoneFormat(tz), [tz]);
  if (preview === null) {
    return <p className="schedule-preview muted">This browser cannot show times in {tz}; the schedule is still valid.</p>;
  }
  return (
    <section className="schedule-preview" aria-labelledby={headingId}>
      <h3 id={headingId}>Preview</h3>
      <p className="schedule-description">{preview.description}</p>
      {preview.next.length === 0 ? (
        <p className="muted">No fire time after now.</p>
      ) : (
        <>
          <p className="small muted">Next fire times in {tz}:</p>
          <ol className="fire-times">
            {preview.next.map((iso) => (
              <li key={iso}>
                <time dateTime={iso}>{format(iso)}</time> <span className="muted">{relativeTime(iso)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function zoneFormat(tz: string): (iso: string) => string {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  });
  return (iso) => f.format(new Date(iso));
}
