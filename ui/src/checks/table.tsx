// The checks table: one memoised row per check (a live update redraws only the rows whose check
// changed), fixed column widths so nothing moves when a cell's text does, and on narrow screens each
// row laid out as a card (checks.css).
import { Link } from "@tanstack/react-router";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { ConfirmButton, CopyButton } from "../components/forms";
import { StatusIcon } from "../components/status";
import { exactTime, formatDuration, formatRunDuration, relativeTime } from "../format";
import { ChannelToggles } from "./channel-toggles";
import { useNow } from "./hooks";
import type { ChecksSort } from "@server/app/schemas";
import { downtimeStrip, type DayFrames, type DayLevel } from "./strip";
import { tagsOf } from "./filters";
import type { ListedChannel, ListedCheck } from "./types";

export interface RowActions {
  pause: (check: ListedCheck) => Promise<void>;
  resume: (check: ListedCheck) => Promise<void>;
  toggle: (check: ListedCheck, channelId: string, on: boolean) => void;
}

interface Shared {
  projectId: string;
  channels: readonly ListedChannel[];
  writable: boolean;
  showSlugs: boolean;
  frames: DayFrames;
  timeZone: string;
  actions: RowActions;
}

const ariaSort = (sort: ChecksSort, key: "name" | "last_ping") =>
  sort === key ? "ascending" : sort === `-${key}` ? "descending" : undefined;

/** `repeated`: the slugs more than one check uses. */
export function ChecksTable({ checks, sort, repeated, ...shared }: Shared & { checks: readonly ListedCheck[]; sort: ChecksSort; repeated: ReadonlySet<string> }) {
  return (
    <table className="checks-table">
      <caption className="visually-hidden">Checks</caption>
      <colgroup>
        <col className="w-status" />
        <col />
        <col className="w-url" />
        <col className="w-channels" />
        <col className="w-schedule" />
        <col className="w-last" />
        <col className="w-days" />
        <col className="w-actions" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Status</span>
          </th>
          <th scope="col" aria-sort={ariaSort(sort, "name")}>
            Name
          </th>
          <th scope="col">Ping URL</th>
          <th scope="col">Integrations</th>
          <th scope="col">Period / Grace</th>
          <th scope="col" aria-sort={ariaSort(sort, "last_ping")}>
            Last ping
          </th>
          <th scope="col">Last 30 days</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {checks.map((check) => (
          // Only plain values and stable objects go to a row, so a live update redraws just the checks that changed.
          <CheckRow key={check.uuid} check={check} slugRepeated={repeated.has(check.slug)} {...shared} />
        ))}
      </tbody>
    </table>
  );
}

const CheckRow = memo(function CheckRow(props: Shared & { check: ListedCheck; slugRepeated: boolean }) {
  const { check, projectId, channels, writable, showSlugs, slugRepeated, frames, timeZone, actions } = props;
  const name = check.name || "unnamed";
  return (
    <tr className="check-row">
      <td className="c-status">
        <StatusIcon status={check.status} started={check.started} />
      </td>
      <td className="c-name">
        <Link to="/projects/$id/checks/$uuid" params={{ id: projectId, uuid: check.uuid }} className={check.name ? "check-name" : "check-name unnamed"}>
          {name}
        </Link>
        {check.tags !== "" ? (
          <span className="tags">
            {tagsOf(check.tags).map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </span>
        ) : null}
      </td>
      <td className="c-url">
        <PingUrl check={check} showSlugs={showSlugs} repeated={slugRepeated} />
      </td>
      <td className="c-channels" data-label="Integrations">
        <ChannelToggles
          checkName={name}
          channels={channels}
          on={check.channels}
          writable={writable}
          onToggle={(channelId, on) => actions.toggle(check, channelId, on)}
        />
      </td>
      <td className="c-schedule">
        <Schedule check={check} />
      </td>
      <td className="c-last" data-label="Last ping">
        <LastPing check={check} timeZone={timeZone} />
      </td>
      <td className="c-days">
        <DownStrip check={check} frames={frames} />
      </td>
      <td className="c-actions">{writable ? <PauseResume check={check} actions={actions} /> : null}</td>
    </tr>
  );
});

function PingUrl({ check, showSlugs, repeated }: { check: ListedCheck; showSlugs: boolean; repeated: boolean }) {
  const url = showSlugs ? check.ping_url_slug : check.ping_url;
  if (url === null) return <span className="muted small">unavailable, slug not set</span>;
  return (
    <span className="ping-url">
      <code title={url}>{url}</code>
      {showSlugs && repeated ? <span className="not-unique">(not unique)</span> : null}
      <CopyButton text="Copy" label={`Copy ping URL of ${check.name || "unnamed check"}`} value={url} />
    </span>
  );
}

function Schedule({ check }: { check: ListedCheck }) {
  return (
    <>
      {check.kind === "simple" ? (
        <span className="period">{formatDuration(check.timeout)}</span>
      ) : (
        <span className="period">
          <code className="expr" title={check.schedule}>
            {check.schedule}
          </code>{" "}
          <span className="tz">{check.tz}</span>
        </span>
      )}
      <span className="grace">grace {formatDuration(check.grace)}</span>
    </>
  );
}

function LastPing({ check, timeZone }: { check: ListedCheck; timeZone: string }) {
  const now = useNow();
  const iso = check.last_ping;
  return (
    <>
      {iso === null ? (
        <span className="muted">Never</span>
      ) : (
        <time dateTime={iso} title={exactTime(iso, timeZone)}>
          {relativeTime(iso, now)}
        </time>
      )}
      {check.last_duration !== null ? (
        <span className="duration" title="How long the last run took">
          <span aria-hidden="true">⏱ </span>
          <span className="visually-hidden">last run took </span>
          {formatRunDuration(check.last_duration)}
        </span>
      ) : null}
    </>
  );
}

const LEVEL_COLOURS: Record<DayLevel, string> = { none: "var(--strip-none)", ok: "var(--st-up)", some: "var(--st-late)", much: "var(--st-down)" };

/** One gradient, 4 px per day (3 px of colour, a 1 px gap; checks.css): one element per check instead of thirty. */
function gradient(levels: readonly DayLevel[]): string {
  return `linear-gradient(to right, ${levels.map((l, i) => `${LEVEL_COLOURS[l]} ${i * 4}px ${i * 4 + 3}px, transparent 0 ${i * 4 + 4}px`).join(", ")})`;
}

function DownStrip({ check, frames }: { check: ListedCheck; frames: DayFrames }) {
  const strip = useMemo(() => downtimeStrip(check, frames), [check, frames]);
  // Most strips are one colour throughout: a class draws them, no per-row style.
  const uniform = strip.levels.every((l) => l === strip.levels[0]);
  return (
    <span
      className={uniform ? `strip strip-${strip.levels[0]}` : "strip"}
      style={uniform ? undefined : { backgroundImage: gradient(strip.levels) }}
      role="img"
      aria-label={strip.label}
      title={strip.detail === "" ? strip.label : `${strip.label}\n${strip.detail}`}
    />
  );
}

/** Pause (asked twice) or Resume; the focus stays in the cell when one becomes the other. */
function PauseResume({ check, actions }: { check: ListedCheck; actions: RowActions }) {
  const [busy, setBusy] = useState(false);
  const cell = useRef<HTMLSpanElement>(null);
  const refocus = useRef(false);
  const paused = check.status === "paused";
  useEffect(() => {
    if (refocus.current) {
      refocus.current = false;
      cell.current?.querySelector("button")?.focus();
    }
  }, [paused]);
  const run = (action: (c: ListedCheck) => Promise<void>) => {
    setBusy(true);
    refocus.current = true;
    void action(check).finally(() => setBusy(false));
  };
  const name = check.name || "unnamed check";
  return (
    <span ref={cell} className="pause-cell">
      {paused ? (
        <button type="button" disabled={busy} onClick={() => run(actions.resume)}>
          Resume<span className="visually-hidden"> {name}</span>
        </button>
      ) : (
        <ConfirmButton label="Pause" question={`Pause ${name}?`} confirmLabel="Pause" busy={busy} onConfirm={() => run(actions.pause)} />
      )}
    </span>
  );
}
