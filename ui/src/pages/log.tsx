// /projects/:id/checks/:uuid/log: a check's whole event log (Healthchecks' log page), filtered by
// kind of event and paged towards older events; the filters and the page are in the query string.
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { EventList, PingDialogFromHash } from "../check/event-log";
import { EVENT_FILTERS, formatTypes, parseTypes } from "../check/events";
import { ErrorText } from "../components/forms";
import { Page } from "../components/page";
import { useLiveProject } from "../live";
import { checkQuery, eventsQuery, projectQuery } from "../queries";
import "../styles/check.css";

const routeApi = getRouteApi("/_app/projects/$id/checks/$uuid/log");

/** Events a page shows. */
const PAGE_SIZE = 100;

export function LogPage() {
  const { id, uuid } = routeApi.useParams();
  const search = routeApi.useSearch();
  const navigate = useNavigate();
  useLiveProject(id);
  const project = useSuspenseQuery(projectQuery(id)).data;
  const check = useSuspenseQuery(checkQuery(id, uuid)).data;
  const types = parseTypes(search.types);
  const typesParam = formatTypes(types);
  const events = useQuery({ ...eventsQuery(id, uuid, { types: typesParam, before: search.before, limit: PAGE_SIZE }), enabled: types.size > 0 });
  const name = check.name || "unnamed";
  const setType = (type: (typeof EVENT_FILTERS)[number]["type"], on: boolean) => {
    const next = new Set(types);
    if (on) next.add(type);
    else next.delete(type);
    // A new filter starts again from the newest events.
    void navigate({ to: ".", search: { types: formatTypes(next) ?? undefined }, replace: true, resetScroll: false });
  };
  return (
    <Page title={`Log · ${name} · ${project.name}`} heading={`Log of ${name}`}>
      <p className="back-link">
        <Link to="/projects/$id/checks/$uuid" params={{ id, uuid }}>
          <span aria-hidden="true">← </span>
          {name}
        </Link>
      </p>
      <fieldset className="log-filters card">
        <legend>Show</legend>
        <div className="radios">
          {EVENT_FILTERS.map((f) => (
            <label key={f.type} className="check">
              <input type="checkbox" checked={types.has(f.type)} onChange={(e) => setType(f.type, e.currentTarget.checked)} /> {f.label}
            </label>
          ))}
        </div>
      </fieldset>
      <section className="card" aria-labelledby="log-events-title">
        <h2 id="log-events-title">{search.before === undefined ? "Newest events" : `Events before ${new Date(search.before).toLocaleString()}`}</h2>
        {types.size === 0 ? <p className="muted">Pick at least one kind of event to show.</p> : null}
        <ErrorText error={events.error} />
        {events.isLoading ? <p className="muted">Loading the events…</p> : null}
        {events.data && types.size > 0 ? (
          <>
            <EventList events={events.data.events} channels={check.project_channels} label="Events, newest first" />
            <div className="actions log-paging">
              {search.before !== undefined ? (
                <Link to="." search={{ types: search.types }}>
                  Newest events
                </Link>
              ) : null}
              {events.data.next !== null ? (
                <Link to="." search={{ types: search.types, before: events.data.next }}>
                  Older events
                </Link>
              ) : null}
            </div>
            {events.data.oldest_ping !== null ? (
              <p className="hint">
                The oldest stored ping is #{events.data.oldest_ping}
                {events.data.oldest_ping > 1 ? "; older ones were pruned" : ""}.
              </p>
            ) : null}
          </>
        ) : null}
      </section>
      <PingDialogFromHash projectId={id} uuid={uuid} tz={check.tz} />
    </Page>
  );
}
