// Which of the project's integrations alert about one check: a small on/off button per integration,
// or, past ten of them, "X of Y" opening a list of checkboxes. Read-only members see them disabled.
import { useEffect, useId, useRef, useState } from "react";
import type { ListedChannel } from "./types";

const MAX_BUTTONS = 10;

const channelName = (ch: ListedChannel) => ch.name || ch.kind;

/** One letter or sign per kind, so neighbouring buttons differ; the full name is their label. */
const GLYPHS: Record<string, string> = { email: "@", webhook: "W", slack: "S", discord: "D", telegram: "T", ntfy: "N", po: "P", pd: "PD", group: "G" };
const glyph = (ch: ListedChannel) => GLYPHS[ch.kind] ?? ch.kind.charAt(0).toUpperCase();

export function ChannelToggles(props: {
  checkName: string;
  channels: readonly ListedChannel[];
  on: readonly string[];
  writable: boolean;
  onToggle: (channelId: string, on: boolean) => void;
}) {
  const { channels, writable, checkName } = props;
  // A click shows in the same event (the cache's update comes a moment later, and a checkbox that
  // reverted meanwhile would look unclicked); the next list from the cache replaces these.
  const [wanted, setWanted] = useState<Record<string, boolean>>({});
  useEffect(() => setWanted({}), [props.on]);
  const on = channels.filter((ch) => wanted[ch.id] ?? props.on.includes(ch.id)).map((ch) => ch.id);
  const onToggle = (channelId: string, next: boolean) => {
    setWanted((w) => ({ ...w, [channelId]: next }));
    props.onToggle(channelId, next);
  };
  if (channels.length === 0) return <span className="muted small">None</span>;
  if (channels.length > MAX_BUTTONS) return <ChannelMenu {...props} on={on} onToggle={onToggle} />;
  return (
    <span className="toggles" role="group" aria-label={`Integrations for ${checkName}`}>
      {channels.map((ch) => {
        const active = on.includes(ch.id);
        return (
          <button
            key={ch.id}
            type="button"
            className={active ? "toggle on" : "toggle"}
            aria-pressed={active}
            title={`${channelName(ch)}: ${active ? "on" : "off"}`}
            disabled={!writable}
            onClick={() => onToggle(ch.id, !active)}
          >
            <span aria-hidden="true">{glyph(ch)}</span>
            <span className="visually-hidden">{channelName(ch)}</span>
          </button>
        );
      })}
    </span>
  );
}

function ChannelMenu({ checkName, channels, on, writable, onToggle }: Parameters<typeof ChannelToggles>[0]) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrap = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const count = channels.filter((ch) => on.includes(ch.id)).length;
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !wrap.current?.contains(e.target as Node)) {
        setOpen(false);
        if (e instanceof KeyboardEvent) button.current?.focus();
      }
    };
    document.addEventListener("keydown", close);
    document.addEventListener("pointerdown", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("pointerdown", close);
    };
  }, [open]);
  return (
    <span className="channel-menu" ref={wrap}>
      <button ref={button} type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        {count} of {channels.length}
        <span className="visually-hidden"> integrations for {checkName}</span>
      </button>
      {open ? (
        <fieldset className="channel-panel" id={panelId} disabled={!writable}>
          <legend className="visually-hidden">Integrations for {checkName}</legend>
          {channels.map((ch) => (
            <label key={ch.id} className="check">
              <input type="checkbox" checked={on.includes(ch.id)} onChange={(e) => onToggle(ch.id, e.currentTarget.checked)} />
              {channelName(ch)}
            </label>
          ))}
        </fieldset>
      ) : null}
    </span>
  );
}
