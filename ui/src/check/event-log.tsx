// A check's events as its details and log pages list them (pings, status changes, alert deliveries),
// and one ping's details in a dialog. The open ping lives in the URL's hash (#ping-<n>), so a link
// to it opens it, as in Healthchecks.
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation, useNavigate } from "@tanstack/react-router";
import { parseEmail } from "@src/ping/mime";
import { useMemo } from "react";
import { ErrorText } from "../components/forms";
import { STATUS_WORD } from "../components/status";
import { exactTime, formatRunDuration } from "../format";
import { pingQuery } from "../queries";
import { Dialog } from "../components/dialog";
import { alertText, flipText, pingLabel, pingSource, shortRid } from "./events";
import { Tabs } from "./tabs";
import type { CheckEvent, PingDetails, ProjectChannel } from "./types";

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });
const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Tone of a ping's label (the colour, besides its word). */
const pingTone = (e: { type: string }) => (e.type === "fail" ? "bad" : e.type === "success" ? "good" : e.type === "ign" ? "muted" : "info");

export function EventList({ events, channels, label }: { events: CheckEvent[]; channels: ProjectChannel[]; label: string }) {
  if (events.length === 0) return <p className="muted">No events yet.</p>;
  const channelName = (id: string) => {
    const channel = channels.find((c) => c.id === id);
    return channel === undefined ? "a removed integration" : channel.name || channel.kind;
  };
  return (
    <ol className="event-list" aria-label={label}>
      {events.map((e) => {
        const when = (
          <time className="event-time" dateTime={e.date} title={exactTime(e.date, "UTC")}>
            <span>{dayFormat.format(new Date(e.date))}</span> <span>{timeFormat.format(new Date(e.date))}</span>
          </time>
        );
        if (e.type === "flip") {
          return (
            <li key={`flip-${e.date}`} className="event">
              <div className="event-row">
                {when}
                <span className={`event-label tone-${e.new_status}`}>{STATUS_WORD[e.new_status] ?? e.new_status}</span>
                <span className="event-text">{flipText(e)}</span>
              </div>
            </li>
          );
        }
        if (e.type === "alert") {
          return (
            <li key={`alert-${e.flip_id}-${e.channel}`} className="event">
              <div className="event-row">
                {when}
                <span className={`event-label tone-${e.status === "sent" ? "info" : e.status === "superseded" ? "muted" : "bad"}`}>Alert</span>
                <span className="event-text">{alertText(e, channelName(e.channel))}</span>
              </div>
            </li>
          );
        }
        const rid = shortRid(e.rid);
        return (
          <li key={`ping-${e.n}`} className="event">
            <Link className="event-row ping-link" to="." search={true} hash={`ping-${e.n}`} replace resetScroll={false} hashScrollIntoView={false}>
              {when}
              <span className={`event-label tone-${pingTone(e)}`}>{pingLabel(e)}</span>
              <span className="event-text">
                <span className="event-meta">
                  <span className="event-n">#{e.n}</span> {pingSource(e)}
                  {e.duration !== undefined ? <span> · {formatRunDuration(e.duration)}</span> : null}
                  {rid !== null ? <span> · run {rid}</span> : null}
                </span>
                {e.body_preview !== "" ? <span className="event-preview">{e.body_preview}</span> : null}
              </span>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}

/** The ping dialog of the URL's hash (#ping-<n>), if any, for a check whose own zone is `tz`. */
export function PingDialogFromHash({ projectId, uuid, tz }: { projectId: string; uuid: string; tz: string }) {
  const hash = useLocation({ select: (l) => l.hash });
  const navigate = useNavigate();
  const m = /^ping-(\d{1,9})$/.exec(hash);
  if (m === null) return null;
  const close = () => void navigate({ to: ".", search: true, hash: "", replace: true, resetScroll: false, hashScrollIntoView: false });
  return <PingDialog key={m[1]} projectId={projectId} uuid={uuid} n={Number(m[1])} tz={tz} onClose={close} />;
}

function PingDialog({ projectId, uuid, n, tz, onClose }: { projectId: string; uuid: string; n: number; tz: string; onClose: () => void }) {
  const ping = useQuery(pingQuery(projectId, uuid, n));
  return (
    <Dialog title={`Ping #${n}`} onClose={onClose} wide>
      {ping.isPending ? <p>Loading…</p> : null}
      <ErrorText error={ping.error} />
      {ping.data ? <PingFacts ping={ping.data} tz={tz} /> : null}
    </Dialog>
  );
}

function PingFacts({ ping, tz }: { ping: PingDetails; tz: string }) {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = [...new Set(["UTC", browserZone, tz])];
  return (
    <>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>
          <span className={`event-label tone-${pingTone(ping)}`}>{pingLabel(ping)}</span>
        </dd>
        <dt>Time</dt>
        <dd>
          {zones.map((z) => (
            <div key={z}>{exactTime(ping.date, z)}</div>
          ))}
        </dd>
        <dt>Source</dt>
        <dd>{pingSource(ping)}</dd>
        {ping.duration !== undefined ? (
          <>
            <dt>Duration</dt>
            <dd>{formatRunDuration(ping.duration)}</dd>
          </>
        ) : null}
        {ping.rid !== null && ping.rid !== "" ? (
          <>
            <dt>Run ID</dt>
            <dd>
              <code>{ping.rid}</code>
            </dd>
          </>
        ) : null}
        {ping.exitstatus !== null ? (
          <>
            <dt>Exit status</dt>
            <dd>{ping.exitstatus}</dd>
          </>
        ) : null}
        {ping.ua !== "" && ping.scheme !== "email" ? (
          <>
            <dt>User agent</dt>
            <dd>{ping.ua}</dd>
          </>
        ) : null}
        {ping.subject !== null ? (
          <>
            <dt>Subject</dt>
            <dd>{ping.subject}</dd>
          </>
        ) : null}
      </dl>
      <h3>Body</h3>
      {ping.body === null || ping.body === "" ? (
        <p className="muted">No body.</p>
      ) : ping.scheme === "email" ? (
        <EmailBody raw={ping.body} />
      ) : (
        <pre className="ping-body" tabIndex={0}>
          {ping.body}
        </pre>
      )}
    </>
  );
}

// The HTML part's document: nothing may load (no tracking pixels, no fonts), inline styles and data: images may.
const HTML_POLICY = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`;

/** An email ping's message: as received, its text, and its HTML drawn in a sandbox (no scripts, no same origin). */
function EmailBody({ raw }: { raw: string }) {
  const parsed = useMemo(() => parseEmail(new TextEncoder().encode(raw)), [raw]);
  const html = parsed.html;
  const tabs = [
    { key: "raw", label: "Raw", content: <pre className="ping-body">{raw}</pre> },
    { key: "text", label: "Text", content: <pre className="ping-body">{parsed.plain || parsed.htmlText || "(no text part)"}</pre> },
  ];
  if (html !== "") {
    tabs.push({
      key: "html",
      label: "HTML",
      content: <iframe className="email-html" title="The message's HTML part" sandbox="" referrerPolicy="no-referrer" srcDoc={HTML_POLICY + html} />,
    });
  }
  return <Tabs label="Message" tabs={tabs} />;
}
