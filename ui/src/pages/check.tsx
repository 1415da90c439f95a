// /projects/:id/checks/:uuid: one check (Healthchecks' details page). Its name and description, how
// to ping it, its status with the monthly downtime and the last 90 days, its schedule, its
// integrations, its recent events and runs, and (for those who may change it) pause, copy, clear and
// remove. Read-only members see the same page without the controls.
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { Fragment, useEffect, useState, type FormEvent } from "react";
import { api, data } from "../api";
import { scheduleBody, schedulePreview, scheduleOf, zonesByUse } from "../checks/schedule-value";
import { ScheduleEditor, scheduleProblem, type ScheduleValue } from "../checks/schedule-editor";
import { Dialog } from "../components/dialog";
import { EventList, PingDialogFromHash } from "../check/event-log";
import { DayBar, RunChart } from "../check/history";
import { HowToPing } from "../check/how-to-ping";
import { slugify } from "@src/checks/slug";
import { downtimeRow, linkParts, statusSentence } from "../check/summary";
import type { CheckDetails } from "../check/types";
import { ConfirmButton, ErrorText, Field, Notice, Submit } from "../components/forms";
import { Page, Section } from "../components/page";
import { StatusIcon } from "../components/status";
import { formatDuration, relativeTime } from "../format";
import { useLiveProject } from "../live";
import { checkQuery, checksQuery, eventsQuery, projectQuery } from "../queries";
import { can } from "../roles";
import "../styles/check.css";

const routeApi = getRouteApi("/_app/projects/$id/checks/$uuid");

/** The current time, again every `ms`: relative times ("3 minutes ago") stay true while the page is open. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** After a write: everything of the project is read again (the list, this check, its events). */
function useInvalidateProject(id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ["project", id] });
}

export function CheckPage() {
  const { id, uuid } = routeApi.useParams();
  useLiveProject(id);
  const project = useSuspenseQuery(projectQuery(id)).data;
  const check = useSuspenseQuery(checkQuery(id, uuid)).data;
  const events = useQuery(eventsQuery(id, uuid, { limit: 30 }));
  const writer = can(project.role, "checks");
  const name = check.name || "unnamed";
  return (
    <Page title={`${name} · ${project.name}`} heading={name}>
      <p className="back-link">
        <Link to="/projects/$id" params={{ id }}>
          <span aria-hidden="true">← </span>Checks of {project.name}
        </Link>
      </p>
      <Identity check={check} projectId={id} writer={writer} />
      <div className="check-columns">
        <div className="check-column">
          <Section id="status" title="Status">
            <StatusPanel check={check} projectId={id} writer={writer} />
          </Section>
          <Section id="history" title="Last 90 days">
            <DayBar periods={check.down_periods} tz={check.tz} created={check.created} />
            <h3>Run durations</h3>
            <RunChart projectId={id} uuid={uuid} />
          </Section>
          <Section id="how-to-ping" title="How to ping">
            <HowToPing check={check} projectId={id} writer={writer} />
          </Section>
          <Section id="schedule" title="Schedule">
            <ScheduleSummary check={check} projectId={id} writer={writer} />
          </Section>
          <Section id="integrations" title="Integrations">
            <Channels check={check} projectId={id} writer={writer} />
          </Section>
        </div>
        <div className="check-column">
          <Section id="events" title="Events">
            <ErrorText error={events.error} />
            {events.isPending ? <p className="muted">Loading the events…</p> : null}
            {events.data ? <EventList events={events.data.events} channels={check.project_channels} label="Recent events, newest first" /> : null}
            <p className="actions">
              <Link to="/projects/$id/checks/$uuid/log" params={{ id, uuid }}>
                Full log
              </Link>
            </p>
          </Section>
          {writer ? <DangerZone check={check} projectId={id} /> : null}
        </div>
      </div>
      <PingDialogFromHash projectId={id} uuid={uuid} tz={check.tz} />
    </Page>
  );
}

/** Tags, description, and the dialog that edits them with the name and slug. */
function Identity({ check, projectId, writer }: { check: CheckDetails; projectId: string; writer: boolean }) {
  const [editing, setEditing] = useState(false);
  const tags = check.tags.split(" ").filter((t) => t !== "");
  return (
    <div className="identity">
      {tags.length > 0 || writer ? (
        <div className="identity-row">
          {tags.length > 0 ? (
            <ul className="tag-list" aria-label="Tags">
              {tags.map((t) => (
                <li key={t} className="badge">
                  {t}
                </li>
              ))}
            </ul>
          ) : null}
          {writer ? (
            <button type="button" className="link" onClick={() => setEditing(true)}>
              Edit name, tags and description…
            </button>
          ) : null}
        </div>
      ) : null}
      {check.desc !== "" ? (
        <div className="description">
          {check.desc.split(/\r?\n/).map((line, i) => (
            <Fragment key={i}>
              {i > 0 ? <br /> : null}
              {linkParts(line).map((p, j) =>
                p.href === undefined ? (
                  <Fragment key={j}>{p.text}</Fragment>
                ) : (
                  <a key={j} href={p.href} rel="noopener noreferrer nofollow" target="_blank">
                    {p.text}
                  </a>
                ),
              )}
            </Fragment>
          ))}
        </div>
      ) : null}
      {editing ? <EditDialog check={check} projectId={projectId} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}

function EditDialog({ check, projectId, onClose }: { check: CheckDetails; projectId: string; onClose: () => void }) {
  const invalidate = useInvalidateProject(projectId);
  const [name, setName] = useState(check.name);
  const [slug, setSlug] = useState(check.slug);
  const save = useMutation({
    mutationFn: (json: { name: string; slug: string; tags: string; desc: string }) =>
      data(api.projects[":id"].checks[":uuid"].$patch({ param: { id: projectId, uuid: check.uuid }, json })),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const suggested = slugify(name);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({
      name: name.trim(),
      slug: slug.trim(),
      tags: String(f.get("tags") ?? "").split(/\s+/).filter(Boolean).join(" "),
      desc: String(f.get("desc") ?? ""),
    });
  };
  return (
    <Dialog title="Edit the check" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} autoComplete="off" data-autofocus />
        <Field
          label="Slug"
          value={slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
          maxLength={100}
          pattern="[a-z0-9_\-]*"
          autoComplete="off"
          spellCheck={false}
          hint={
            <>
              Lower case letters, digits, "-" and "_": the check's name in ping URLs by slug.
              {suggested !== "" && suggested !== slug ? (
                <>
                  {" "}
                  <button type="button" className="link" onClick={() => setSlug(suggested)}>
                    Use “{suggested}”
                  </button>
                </>
              ) : null}
            </>
          }
        />
        <Field label="Tags" name="tags" defaultValue={check.tags} maxLength={500} autoComplete="off" hint="Separated by spaces, e.g. prod backups." />
        <div className="field">
          <label htmlFor="check-desc">Description</label>
          <textarea id="check-desc" name="desc" defaultValue={check.desc} rows={5} maxLength={10_000} />
        </div>
        <ErrorText error={save.error} />
        <div className="actions">
          <Submit busy={save.isPending}>Save</Submit>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function StatusPanel({ check, projectId, writer }: { check: CheckDetails; projectId: string; writer: boolean }) {
  const now = useNow(15_000);
  const invalidate = useInvalidateProject(projectId);
  const param = { id: projectId, uuid: check.uuid };
  const pause = useMutation({ mutationFn: () => data(api.projects[":id"].checks[":uuid"].pause.$post({ param })), onSuccess: invalidate });
  const resume = useMutation({ mutationFn: () => data(api.projects[":id"].checks[":uuid"].resume.$post({ param })), onSuccess: invalidate });
  const ping = useMutation({
    mutationFn: async () => {
      const res = await fetch(check.ping_url, { method: "POST" });
      if (!res.ok) throw new Error(`the ping was refused: ${res.status} ${(await res.text()).trim()}`);
    },
    onSuccess: invalidate,
  });
  const { state, detail } = statusSentence(check, now, check.last_start ?? undefined);
  return (
    <>
      <p className="status-line">
        <StatusIcon status={check.status} started={check.started} />
        <span>
          <strong role="status">{state}</strong> {detail}
          {check.alert_after !== null && Date.parse(check.alert_after) > now ? ` It goes down if no ping arrives ${relativeTime(check.alert_after, now)}.` : ""}
        </span>
      </p>
      {writer ? (
        <div className="actions">
          {check.status === "paused" ? (
            <button type="button" className="primary" disabled={resume.isPending} onClick={() => resume.mutate()}>
              Resume
            </button>
          ) : (
            <button type="button" disabled={pause.isPending} onClick={() => pause.mutate()}>
              Pause
            </button>
          )}
          <button type="button" disabled={ping.isPending} onClick={() => ping.mutate()}>
            Ping now
          </button>
        </div>
      ) : null}
      <ErrorText error={pause.error ?? resume.error ?? ping.error} />
      <Notice>{ping.isSuccess ? "Pinged." : null}</Notice>
      <h3>Downtime</h3>
      <div className="table-wrap">
        <table className="downtime">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Downtime</th>
              <th scope="col">Uptime</th>
            </tr>
          </thead>
          <tbody>
            {check.downtimes.map((m) => {
              const row = downtimeRow(m);
              return (
                <tr key={m.month} className={m.count > 0 ? "had-downtime" : undefined}>
                  <th scope="row">{row.month}</th>
                  <td>{row.downtime}</td>
                  <td>{row.uptime}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">Months in {check.tz}.</p>
    </>
  );
}

function ScheduleSummary({ check, projectId, writer }: { check: CheckDetails; projectId: string; writer: boolean }) {
  const [editing, setEditing] = useState(false);
  const value = scheduleOf(check);
  const described = value.kind === "simple" ? null : schedulePreview(value, new Date());
  return (
    <>
      <dl className="facts">
        {value.kind === "simple" ? (
          <>
            <dt>Period</dt>
            <dd>{formatDuration(value.timeout)}</dd>
          </>
        ) : (
          <>
            <dt>{value.kind === "cron" ? "Cron expression" : "OnCalendar"}</dt>
            <dd>
              <code className="schedule-code">{value.schedule}</code>
              {described !== null ? <div className="muted">{described.description}</div> : null}
            </dd>
            <dt>Time zone</dt>
            <dd>{value.tz}</dd>
          </>
        )}
        <dt>Grace time</dt>
        <dd>{formatDuration(value.grace)}</dd>
      </dl>
      {writer ? (
        <button type="button" onClick={() => setEditing(true)}>
          Change schedule…
        </button>
      ) : null}
      {editing ? <ScheduleDialog check={check} projectId={projectId} onClose={() => setEditing(false)} /> : null}
    </>
  );
}

function ScheduleDialog({ check, projectId, onClose }: { check: CheckDetails; projectId: string; onClose: () => void }) {
  const invalidate = useInvalidateProject(projectId);
  const checks = useQuery(checksQuery(projectId)).data?.checks ?? [];
  const [value, setValue] = useState<ScheduleValue>(() => scheduleOf(check));
  const save = useMutation({
    mutationFn: (v: ScheduleValue) => data(api.projects[":id"].checks[":uuid"].$patch({ param: { id: projectId, uuid: check.uuid }, json: scheduleBody(v) })),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const problem = scheduleProblem(value);
  return (
    <Dialog title="Change schedule" onClose={onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (problem === null) save.mutate(value);
        }}
      >
        <ScheduleEditor value={value} onChange={setValue} zones={zonesByUse(checks, check.tz)} idPrefix="schedule" />
        <ErrorText error={save.error} />
        <div className="actions">
          <Submit busy={save.isPending} disabled={problem !== null}>
            Save schedule
          </Submit>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Channels({ check, projectId, writer }: { check: CheckDetails; projectId: string; writer: boolean }) {
  const invalidate = useInvalidateProject(projectId);
  // What a click asked for, shown at once (set in the same event, so the switch never flickers
  // back) until the answer and the check read again confirm it.
  const [wanted, setWanted] = useState<Record<string, boolean>>({});
  const toggle = useMutation({
    mutationFn: (v: { channelId: string; on: boolean }) =>
      data(api.projects[":id"].checks[":uuid"].channels[":channelId"].$put({ param: { id: projectId, uuid: check.uuid, channelId: v.channelId }, json: { on: v.on } })),
    onSettled: async (_data, _err, v) => {
      await invalidate();
      setWanted(({ [v.channelId]: _, ...rest }) => rest);
    },
  });
  if (check.project_channels.length === 0) {
    return (
      <p className="muted">
        The project has no integrations yet: nobody is told when this check goes down.{" "}
        <Link to="/projects/$id/integrations" params={{ id: projectId }}>
          Add one
        </Link>
        .
      </p>
    );
  }
  return (
    <>
      <p className="hint">Where this check's alerts go.</p>
      <ul className="channel-list">
        {check.project_channels.map((c) => {
          const on = wanted[c.id] ?? check.channels.includes(c.id);
          const label = c.name || c.kind;
          return (
            <li key={c.id}>
              <span className="channel-name">
                {label} <span className="muted small">{c.name ? c.kind : ""}</span>
              </span>
              {writer ? (
                <label className="channel-switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={on}
                    disabled={toggle.isPending}
                    onChange={(e) => {
                      const next = e.currentTarget.checked;
                      setWanted((w) => ({ ...w, [c.id]: next }));
                      toggle.mutate({ channelId: c.id, on: next });
                    }}
                  />
                  <span aria-hidden="true">{on ? "ON" : "OFF"}</span>
                  <span className="visually-hidden">Alerts to {label}</span>
                </label>
              ) : (
                <span className={on ? "badge ok" : "badge"}>{on ? "ON" : "OFF"}</span>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorText error={toggle.error} />
    </>
  );
}

function DangerZone({ check, projectId }: { check: CheckDetails; projectId: string }) {
  const navigate = useNavigate();
  const invalidate = useInvalidateProject(projectId);
  const param = { id: projectId, uuid: check.uuid };
  const copy = useMutation({
    mutationFn: () =>
      data(
        api.projects[":id"].checks.$post({
          param: { id: projectId },
          json: {
            name: `${check.name || "unnamed"} (copy)`.slice(0, 100),
            ...(check.slug !== "" ? { slug: `${check.slug}-copy`.slice(0, 100) } : {}),
            tags: check.tags,
            desc: check.desc,
            ...scheduleBody(scheduleOf(check)),
            methods: check.methods === "POST" ? "POST" : "",
            start_kw: check.start_kw,
            success_kw: check.success_kw,
            failure_kw: check.failure_kw,
            filter_subject: check.filter_subject,
            filter_body: check.filter_body,
            filter_http_body: check.filter_http_body,
            filter_default_fail: check.filter_default_fail,
            manual_resume: check.manual_resume,
            channels: check.channels.join(","),
          },
        }),
      ),
    onSuccess: async (made) => {
      await invalidate();
      await navigate({ to: "/projects/$id/checks/$uuid", params: { id: projectId, uuid: made.uuid } });
    },
  });
  const clear = useMutation({ mutationFn: () => data(api.projects[":id"].checks[":uuid"].clear.$post({ param })), onSuccess: invalidate });
  const remove = useMutation({
    mutationFn: () => data(api.projects[":id"].checks[":uuid"].$delete({ param })),
    onSuccess: async () => {
      await navigate({ to: "/projects/$id", params: { id: projectId } });
      await invalidate();
    },
  });
  return (
    <Section id="danger" title="Copy, clear, remove" danger>
      <div className="danger-actions">
        <div>
          <button type="button" disabled={copy.isPending} onClick={() => copy.mutate()}>
            Create a copy
          </button>
          <p className="hint">A new check with this one's name, schedule, rules and integrations.</p>
        </div>
        <div>
          <ConfirmButton
            label="Clear events"
            question="Delete every ping, status change and alert record of this check? It becomes new again."
            confirmLabel="Clear events"
            danger
            busy={clear.isPending}
            onConfirm={() => clear.mutate()}
          />
        </div>
        <div>
          <ConfirmButton
            label="Remove check"
            question={`Remove “${check.name || "unnamed"}” and all its events? Pings to it will fail.`}
            confirmLabel="Remove"
            danger
            busy={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
        </div>
      </div>
      <ErrorText error={copy.error ?? clear.error ?? remove.error} />
      <Notice>{clear.isSuccess ? "Events cleared." : null}</Notice>
    </Section>
  );
}
