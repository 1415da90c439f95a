// The controls above the checks table: search, status filter, tag buttons, sort order and the ping
// URL style. Filters live in the query string; the sort and the URL style are saved on the server.
import { useEffect, useId, useState, type Ref } from "react";
import type { ChecksSort } from "@server/app/schemas";
import { STATUS_WORD } from "../components/status";
import { FILTER_STATUSES, type ChecksSearch, type FilterStatus } from "./filters";
import { SORT_LABELS, SORTS, type TagSummary } from "./list";

type SetSearch = (change: (prev: ChecksSearch) => ChecksSearch) => void;

const without = <T,>(list: readonly T[] | undefined, value: T) => {
  const rest = (list ?? []).filter((v) => v !== value);
  return rest.length === 0 ? undefined : rest;
};

/** The search box keeps its own text while typing and writes it to the URL; a URL change (back) comes back into it. */
export function SearchBox({ q, setSearch, ref }: { q: string; setSearch: SetSearch; ref: Ref<HTMLInputElement> }) {
  const [text, setText] = useState(q);
  const id = useId();
  useEffect(() => {
    setText((t) => (t.trim() === q ? t : q));
  }, [q]);
  return (
    <div className="field search">
      <label htmlFor={id}>Search</label>
      <input
        ref={ref}
        id={id}
        type="search"
        value={text}
        placeholder="Name, slug or UUID"
        maxLength={200}
        autoComplete="off"
        spellCheck={false}
        aria-keyshortcuts="/"
        onChange={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          setSearch(({ q: _, ...rest }) => (value.trim() === "" ? rest : { ...rest, q: value.trim() }));
        }}
      />
    </div>
  );
}

export function StatusFilter({ selected, counts, setSearch }: { selected: readonly FilterStatus[]; counts: Record<FilterStatus, number>; setSearch: SetSearch }) {
  return (
    <fieldset className="status-filter">
      <legend>Status</legend>
      <div className="chips">
        {FILTER_STATUSES.map((s) => (
          <label key={s} className={`chip chip-${s}`}>
            <input
              type="checkbox"
              checked={selected.includes(s)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setSearch((prev) => {
                  const status = on ? [...(prev.status ?? []), s] : without(prev.status, s);
                  const { status: _, ...rest } = prev;
                  return status === undefined ? rest : { ...rest, status: FILTER_STATUSES.filter((x) => status.includes(x)) };
                });
              }}
            />
            {STATUS_WORD[s]} <span className="count">{counts[s]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function TagFilter({ tags, selected, setSearch }: { tags: readonly TagSummary[]; selected: readonly string[]; setSearch: SetSearch }) {
  if (tags.length === 0) return null;
  return (
    <div className="tag-filter" role="group" aria-label="Filter by tag (checks with every chosen tag)">
      {tags.map((t) => {
        const on = selected.includes(t.tag);
        return (
          <button
            key={t.tag}
            type="button"
            className={`tag-button worst-${t.worst}`}
            aria-pressed={on}
            onClick={() =>
              setSearch((prev) => {
                const tag = on ? without(prev.tag, t.tag) : [...(prev.tag ?? []), t.tag];
                const { tag: _, ...rest } = prev;
                return tag === undefined ? rest : { ...rest, tag };
              })
            }
          >
            {on ? <span aria-hidden="true">✓</span> : null}
            <span className="tag-name">{t.tag}</span> <span className="tag-text">{t.text}</span>
          </button>
        );
      })}
    </div>
  );
}

export function SortSelect({ sort, onChange }: { sort: ChecksSort; onChange: (sort: ChecksSort) => void }) {
  const id = useId();
  return (
    <div className="field sort">
      <label htmlFor={id}>Sort by</label>
      <select id={id} value={sort} onChange={(e) => onChange(e.currentTarget.value as ChecksSort)}>
        {SORTS.map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function UrlStyle({ slugs: saved, disabled, onChange }: { slugs: boolean; disabled: boolean; onChange: (slugs: boolean) => void }) {
  // The choice shows in the same event as the click (the saved value follows when the cache updates).
  const [slugs, setSlugs] = useState(saved);
  useEffect(() => setSlugs(saved), [saved]);
  const choose = (value: boolean) => {
    setSlugs(value);
    onChange(value);
  };
  return (
    <fieldset className="url-style" disabled={disabled}>
      <legend>Ping URLs</legend>
      <div className="segmented">
        <label>
          <input type="radio" name="url-style" checked={!slugs} onChange={() => choose(false)} />
          UUID
        </label>
        <label>
          <input type="radio" name="url-style" checked={slugs} onChange={() => choose(true)} />
          Slug
        </label>
      </div>
    </fieldset>
  );
}
