// The few form pieces every page uses: a labelled field, an error or status line, buttons that ask
// once more before something that cannot be undone, and a copyable value.
import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { errorMessage } from "../api";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode };

/** An input with its visible label (and an optional hint tied to it by aria-describedby). */
export function Field({ label, hint, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-describedby={hint ? `${inputId}-hint` : undefined} {...input} />
      {hint ? (
        <p className="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Our routes answer in lower case ("not signed in"); a line on a page starts with a capital. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The server's refusal, announced to screen readers. Nothing when there is no error. */
export function ErrorText({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert">
      {sentence(errorMessage(error))}
    </p>
  );
}

/** A confirmation after a write, announced politely. */
export function Notice({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false) return null;
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

/** A submit button that says it is working while the request runs. */
export function Submit({ busy, children, className, disabled }: { busy: boolean; children: ReactNode; className?: string; disabled?: boolean }) {
  return (
    <button type="submit" className={className ?? "primary"} disabled={busy || disabled} aria-busy={busy || undefined}>
      {busy ? "Working…" : children}
    </button>
  );
}

/**
 * A button for an action that cannot be undone: the first press asks ("Delete X? Delete / Cancel"),
 * the second does it. The question is a group labelled by its text, and takes the focus.
 */
export function ConfirmButton(props: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  danger?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className={props.danger ? "danger" : undefined} disabled={props.disabled || props.busy} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-labelledby={questionId}>
      <span id={questionId}>{props.question}</span>{" "}
      <button
        type="button"
        ref={confirmRef}
        className={props.danger ? "danger" : "primary"}
        disabled={props.busy}
        onClick={() => {
          props.onConfirm();
          setAsking(false);
        }}
      >
        {props.confirmLabel}
      </button>{" "}
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A button that copies a value it does not show (a link in a list); `label` names it for screen readers. */
export function CopyButton({ text, label, value }: { text: string; label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      title={value}
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? "Copied" : text}
    </button>
  );
}

/** A value shown in full (keys, links, codes) with a button that copies it. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
