// /projects/:id: the project's checks (Healthchecks' checks list): filters in the query string, the
// user's sort order, live status with the tab's title and icon, and the writes a member may make
// (add, pause, resume, integrations per check).
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { lazy, Suspense, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import type { ChecksSort } from "@server/app/schemas";
import { api, data, errorMessage } from "../api";
import { FILTER_STATUSES, hasFilters, matches, type ChecksSearch, type FilterStatus } from "../checks/filters";
import { useDownSignals, useNow, useShortcuts } from "../checks/hooks";
import { repeatedSlugs, sortChecks, statusChanges, tagSummaries } from "../checks/list";
import { DayFrames } from "../checks/strip";
import { ChecksTable, type RowActions } from "../checks/table";
import { SearchBox, SortSelect, StatusFilter, TagFilter, UrlStyle } from "../checks/toolbar";
import type { ChecksList, ListedCheck } from "../checks/types";
import { Dialog } from "../components/dialog";
import { CopyField, ErrorText } from "../components/forms";
import { useMe } from "../components/layout";
import { Page } from "../components/page";
import { ProjectNav } from "../components/project-nav";
import { TransferOffer } from "../components/transfer-offer";
import { useLiveProject } from "../live";
import { checksQuery, meQuery, projectQuery } from "../queries";
import { can } from "../roles";
import "../styles/checks.css";

const routeApi = getRouteApi("/_app/projects/$id");
const AddCheckDialog = lazy(() => import("../checks/add-check").then((m) => ({ default: m.AddCheckDialog })));

const HOUR = 3_600_000;

export function ChecksPage() {
  const { id } = routeApi.useParams();
  useLiveProject(id);
  const me = useMe();
  const project = useSuspenseQuery(projectQuery(id)).data;
  const { checks, channels } = useSuspenseQuery(checksQuery(id)).data;
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const writable = can(project.role, "checks");
  const sort = me.checks_sort;

  const [adding, setAdding] = useState(false);
  const [helping, setHelping] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState("");
  const searchBox = useRef<HTMLInputElement>(null);

  const setSearch = useCallback(
    (change: (prev: ChecksSearch) => ChecksSearch) => void navigate({ search: (prev: ChecksSearch) => change(prev), replace: true }),
    [navigate],
  );

  // Derived once per change of the data, the sort or the filters; typing filters a deferred copy.
  const filters = useDeferredValue(search);
  const sorted = useMemo(() => sortChecks(checks, sort), [checks, sort]);
  const shown = useMemo(() => {
    if (!hasFilters(filters)) return sorted;
    const f = { ...filters, q: filters.q?.toLowerCase() };
    return sorted.filter((c) => matches(c, f));
  }, [sorted, filters]);
  const tags = useMemo(() => tagSummaries(checks), [checks]);
  const repeated = useMemo(() => repeatedSlugs(checks), [checks]);
  const counts = useMemo(() => countStatuses(checks), [checks]);
  // The strips' days move on hourly: often enough for today's cell, rarely enough that rows stay memoised.
  const hour = Math.floor(useNow() / HOUR);
  const frames = useMemo(() => new DayFrames(Date.now()), [hour]);

  useDownSignals(counts.down, project.name);
  useAnnouncements(checks, setSaid);
  useShortcuts({
    "/": () => searchBox.current?.focus(),
    n: writable ? () => setAdding(true) : undefined,
    "?": () => setHelping(true),
  });

  const actions = useRowActions(id, setError);
  const saveSort = useSaveSort();
  const saveUrlStyle = useSaveUrlStyle(id);

  return (
    <Page title={project.name}>
      <ProjectNav id={id} role={project.role} />
      {project.transfer !== null && project.transfer.to.id === me.id ? <TransferOffer id={id} from={project.owner?.email ?? "The owner"} /> : null}
      <div className="checks-list">
        <div className="checks-toolbar">
          <SearchBox ref={searchBox} q={search.q ?? ""} setSearch={setSearch} />
          <SortSelect sort={sort} onChange={(s) => saveSort.mutate(s)} />
          <UrlStyle slugs={project.show_slugs} disabled={!can(project.role, "rename")} onChange={(s) => saveUrlStyle.mutate(s)} />
          <div className="toolbar-actions">
            {writable ? (
              <button type="button" className="primary" aria-keyshortcuts="n" onClick={() => setAdding(true)}>
                Add check
              </button>
            ) : null}
            <button type="button" aria-keyshortcuts="?" onClick={() => setHelping(true)}>
              Shortcuts
            </button>
          </div>
        </div>
        {checks.length > 0 ? <StatusFilter selected={search.status ?? []} counts={counts} setSearch={setSearch} /> : null}
        <TagFilter tags={tags} selected={search.tag ?? []} setSearch={setSearch} />
        <ErrorText error={error ?? saveSort.error ?? saveUrlStyle.error} />
        {checks.length === 0 ? (
          <NoChecks writable={writable} onAdd={() => setAdding(true)} />
        ) : (
          <>
            <FirstPing checks={sorted} />
            <p className="shown-count">
              <span role="status">
                {shown.length === checks.length ? `${checks.length} ${checks.length === 1 ? "check" : "checks"}` : `Showing ${shown.length} of ${checks.length} checks`}
              </span>
              {hasFilters(search) ? (
                <button type="button" className="link" onClick={() => setSearch(() => ({}))}>
                  Clear filters
                </button>
              ) : null}
            </p>
            {shown.length === 0 ? (
              <p className="card empty">No checks match these filters.</p>
            ) : (
              <ChecksTable
                checks={shown}
                sort={sort}
                projectId={id}
                channels={channels}
                writable={writable}
                showSlugs={project.show_slugs}
                repeated={repeated}
                frames={frames}
                timeZone={me.time_zone}
                actions={actions}
              />
            )}
          </>
        )}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {said}
      </p>
      {writable && adding ? (
        <Suspense fallback={null}>
          <AddCheckDialog id={id} onClose={() => setAdding(false)} onAdded={(name) => setSaid(`Added ${name || "an unnamed check"}.`)} />
        </Suspense>
      ) : null}
      {helping ? (
      <Dialog onClose={() => setHelping(false)} title="Keyboard shortcuts">
        <dl className="shortcuts">
          <dt>
            <kbd>/</kbd>
          </dt>
          <dd>Search the checks</dd>
          {writable ? (
            <>
              <dt>
                <kbd>n</kbd>
              </dt>
              <dd>Add a check</dd>
            </>
          ) : null}
          <dt>
            <kbd>?</kbd>
          </dt>
          <dd>Show these shortcuts</dd>
          <dt>
            <kbd>Esc</kbd>
          </dt>
          <dd>Close a dialog</dd>
        </dl>
        <p className="hint">The keys do nothing while you type in a field.</p>
      </Dialog>
      ) : null}
    </Page>
  );
}

function countStatuses(checks: readonly ListedCheck[]): Record<FilterStatus, number> {
  const counts = Object.fromEntries(FILTER_STATUSES.map((s) => [s, 0])) as Record<FilterStatus, number>;
  for (const c of checks) {
    if (c.status in counts) counts[c.status as FilterStatus] += 1;
    if (c.started) counts.started += 1;
  }
  return counts;
}

/** Says in the live region which checks changed status since the list was last loaded. */
function useAnnouncements(checks: readonly ListedCheck[], say: (text: string) => void) {
  const before = useRef<Map<string, string> | null>(null);
  useEffect(() => {
    const previous = before.current;
    before.current = new Map(checks.map((c) => [c.uuid, c.status]));
    const text = previous === null ? null : statusChanges(previous, checks);
    if (text !== null) say(text);
  }, [checks, say]);
}

/** Pause, resume and integration switches of the rows: one set of functions for every row. */
function useRowActions(id: string, setError: (err: unknown) => void): RowActions {
  const queryClient = useQueryClient();
  return useMemo(() => {
    const key = checksQuery(id).queryKey;
    const run = async (what: string, request: () => Promise<unknown>) => {
      setError(null);
      try {
        await request();
      } catch (err) {
        setError(new Error(`${what}: ${errorMessage(err)}`));
      } finally {
        await queryClient.invalidateQueries({ queryKey: key });
      }
    };
    const param = (c: ListedCheck) => ({ id, uuid: c.uuid });
    return {
      pause: (c) => run(`could not pause ${c.name || "the check"}`, () => data(api.projects[":id"].checks[":uuid"].pause.$post({ param: param(c) }))),
      resume: (c) => run(`could not resume ${c.name || "the check"}`, () => data(api.projects[":id"].checks[":uuid"].resume.$post({ param: param(c) }))),
      toggle: (c, channelId, on) => {
        // Shown at once; the server's answer (or refusal) comes back with the refetch.
        queryClient.setQueryData(key, (old: ChecksList | undefined) =>
          old === undefined
            ? old
            : {
                ...old,
                checks: old.checks.map((x) =>
                  x.uuid === c.uuid ? { ...x, channels: on ? [...x.channels, channelId] : x.channels.filter((ch) => ch !== channelId) } : x,
                ),
              },
        );
        void run(`could not switch the integration for ${c.name || "the check"}`, () =>
          data(api.projects[":id"].checks[":uuid"].channels[":channelId"].$put({ param: { ...param(c), channelId }, json: { on } })),
        );
      },
    };
  }, [id, queryClient, setError]);
}

/** The sort order is the user's (Healthchecks' profile.sort): shown at once, saved on the server. */
function useSaveSort() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (checks_sort: ChecksSort) => data(api.me.$patch({ json: { checks_sort } })),
    onMutate: (checks_sort) => queryClient.setQueryData(meQuery.queryKey, (old) => (old ? { ...old, checks_sort } : old)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
  });
}

/** The project's ping URL style (Healthchecks' show_slugs), for every member. */
function useSaveUrlStyle(id: string) {
  const queryClient = useQueryClient();
  const key = projectQuery(id).queryKey;
  return useMutation({
    mutationFn: (show_slugs: boolean) => data(api.projects[":id"].$patch({ param: { id }, json: { show_slugs } })),
    onMutate: (show_slugs) => queryClient.setQueryData(key, (old) => (old ? { ...old, show_slugs } : old)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key, exact: true }),
  });
}

function NoChecks({ writable, onAdd }: { writable: boolean; onAdd: () => void }) {
  return (
    <section className="card empty" aria-labelledby="no-checks">
      <h2 id="no-checks">No checks yet</h2>
      <p>
        A check waits for pings: your job requests its URL each time it runs, and when a ping is late you are alerted. Add a check to get its ping
        URL.
      </p>
      {writable ? (
        <p className="actions">
          <button type="button" className="primary" onClick={onAdd}>
            Add check
          </button>
        </p>
      ) : (
        <p className="muted">Your role cannot add checks; a member of the project can.</p>
      )}
    </section>
  );
}

/** While no check of the project was ever pinged: how to send the first ping, with a real URL. */
function FirstPing({ checks }: { checks: readonly ListedCheck[] }) {
  if (checks.some((c) => c.last_ping !== null)) return null;
  const first = checks[0];
  if (first === undefined) return null;
  return (
    <section className="card callout first-ping" aria-labelledby="first-ping">
      <h2 id="first-ping">Send the first ping</h2>
      <p>
        Make your job request the check's ping URL when it finishes, for example with curl at the end of a cron line. The check turns up with its
        first ping.
      </p>
      <CopyField label={`Ping ${first.name || "the check"} from a shell`} value={`curl -fsS -m 10 --retry 5 -o /dev/null ${first.ping_url}`} />
    </section>
  );
}
