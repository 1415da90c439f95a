// The check's history at a glance: a bar of its last 90 days coloured by downtime, and the durations
// of its last runs; each with the same facts in words and in a table for those who cannot see them.
import { useQuery } from "@tanstack/react-query";
import { exactTime, formatRunDuration } from "../format";
import { eventsQuery } from "../queries";
import { runsOf, runStats } from "./events";
import { dayStates, daysSummary, downFor, type DayState } from "./summary";

const DAY_WORDS: Record<DayState, string> = { up: "no downtime", partial: "some downtime", down: "down most of the day", none: "not monitored yet" };

export function DayBar({ periods, tz, created }: { periods: [string, string | null][]; tz: string; created: string }) {
  const days = dayStates(periods, { now: Date.now(), days: 90, tz, created });
  const bad = days.filter((d) => d.downMs > 0);
  return (
    <figure className="day-bar-figure">
      <div className="day-bar" aria-hidden="true">
        {days.map((d) => (
          <span key={d.day} className={`day day-${d.state}`} title={`${d.day}: ${d.downMs > 0 ? `down ${downFor(d.downMs / 1000)}` : DAY_WORDS[d.state]}`} />
        ))}
      </div>
      <div className="chart-axis" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>Today</span>
      </div>
      <figcaption>
        {daysSummary(days)} <span className="muted">Days in {tz}.</span>
      </figcaption>
      {bad.length > 0 ? (
        <details>
          <summary>Days with downtime</summary>
          <ul className="plain-list">
            {bad.map((d) => (
              <li key={d.day}>
                {d.day}: down {downFor(d.downMs / 1000)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </figure>
  );
}

/** Bar width and gap in the chart's own units (it is stretched to the card's width). */
const SLOT = 10;

export function RunChart({ projectId, uuid }: { projectId: string; uuid: string }) {
  const q = useQuery(eventsQuery(projectId, uuid, { types: "success,fail", limit: 100 }));
  if (q.isPending) return <p className="muted">Loading the runs…</p>;
  const runs = runsOf(q.data?.events ?? []);
  const stats = runStats(runs);
  if (stats === null) {
    return (
      <p className="muted">
        No timed runs yet. Send a <code>/start</code> ping when a run begins: the next success or failure ping then records how long it took.
      </p>
    );
  }
  const max = Math.max(...runs.map((r) => r.duration), 0.001);
  const failed = runs.filter((r) => !r.ok).length;
  return (
    <figure className="run-chart-figure">
      <div className="run-chart">
        <div className="chart-y" aria-hidden="true">
          <span>{formatRunDuration(max)}</span>
          <span>0</span>
        </div>
        {/* A few runs get bars of at most 1.5rem, not the whole width. */}
        <div className="chart-plot" style={{ maxWidth: `${runs.length * 1.5}rem` }}>
          <svg className="run-chart-svg" viewBox={`0 0 ${runs.length * SLOT} 100`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
            {runs.map((r, i) => {
              const h = Math.max(1, (r.duration / max) * 100);
              return <rect key={r.n} className={r.ok ? "bar-ok" : "bar-fail"} x={i * SLOT + 1} y={100 - h} width={SLOT - 2} height={h} />;
            })}
          </svg>
          <div className="chart-axis" aria-hidden="true">
            <span>#{runs[0]!.n}</span>
            <span>#{runs.at(-1)!.n}</span>
          </div>
        </div>
      </div>
      <figcaption>
        Last {runs.length === 1 ? "run" : `${runs.length} runs`}: median {formatRunDuration(stats.median)}, longest {formatRunDuration(stats.longest.duration)} (#
        {stats.longest.n}).{failed > 0 ? ` ${failed} failed (drawn in red).` : ""}
      </figcaption>
      <details>
        <summary>Run durations as a table</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Ping</th>
                <th scope="col">Finished</th>
                <th scope="col">Duration</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((r) => (
                <tr key={r.n}>
                  <td>#{r.n}</td>
                  <td>{exactTime(r.date)}</td>
                  <td>{formatRunDuration(r.duration)}</td>
                  <td>{r.ok ? "Success" : "Failure"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
