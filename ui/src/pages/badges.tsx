// /projects/:id/badges: a status badge for all the project's checks and one per tag, each previewed
// and its address ready to copy, in the chosen format (SVG, JSON, Shields) and number of states
// (reference §3: 2 states = up/down, 3 states adds late).
import { useSuspenseQueries } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { CopyField } from "../components/forms";
import { Page, Section } from "../components/page";
import { ProjectNav } from "../components/project-nav";
import { badgesQuery, projectQuery } from "../queries";
import "../styles/badges.css";

const routeApi = getRouteApi("/_app/projects/$id/badges");

type Format = "svg" | "json" | "shields";

const FORMATS: { value: Format; label: string; hint: string }[] = [
  { value: "svg", label: "SVG image", hint: "An image to put in a README, a wiki or a status page." },
  { value: "json", label: "JSON", hint: 'Status and counts for your own scripts: {"status": "up", "total": 3, "grace": 0, "down": 0}.' },
  { value: "shields", label: "Shields.io", hint: "A shields.io endpoint, to restyle the badge with shields.io's options." },
];

const STATES = [
  { value: 2, label: "Up or down (2 states)", hint: "A late check still shows up." },
  { value: 3, label: "Up, late or down (3 states)", hint: "A check in its grace period shows late." },
] as const;

type Urls = { svg: string; svg3: string; json: string; json3: string; shields: string; shields3: string };

/** The address to publish: shields.io renders a Shields endpoint only through its own URL. */
function addressOf(urls: Urls, format: Format, states: 2 | 3): string {
  const url = urls[`${format}${states === 3 ? "3" : ""}` as keyof Urls];
  return format === "shields" ? `https://img.shields.io/endpoint?url=${encodeURIComponent(url)}` : url;
}

export function BadgesPage() {
  const { id } = routeApi.useParams();
  const [{ data: project }, { data: list }] = useSuspenseQueries({ queries: [projectQuery(id), badgesQuery(id)] });
  const [format, setFormat] = useState<Format>("svg");
  const [states, setStates] = useState<2 | 3>(3);
  // The server lists the tags sorted and "*" last; all checks come first here.
  const targets = Object.entries(list.badges)
    .sort(([a], [b]) => (a === "*" ? -1 : b === "*" ? 1 : 0))
    .map(([tag, urls]) => ({ tag, urls: urls as Urls }));
  const formatHint = FORMATS.find((f) => f.value === format)!.hint;
  const statesHint = STATES.find((s) => s.value === states)!.hint;

  return (
    <Page title={`Badges · ${project.name}`} heading={project.name}>
      <ProjectNav id={id} role={project.role} />
      <Section id="badges" title="Status badges">
        <p>
          A badge shows whether this project's checks are up: all of them, or those with one tag. Anyone with a badge's address can see it, so share it
          where you like: the address cannot be guessed, and it tells only the label and the status, never your checks' names or ping addresses.
        </p>
        <div className="badge-options">
          <fieldset>
            <legend>Format</legend>
            <div className="radios">
              {FORMATS.map((f) => (
                <label key={f.value}>
                  <input type="radio" name="format" value={f.value} checked={format === f.value} onChange={() => setFormat(f.value)} /> {f.label}
                </label>
              ))}
            </div>
            <p className="hint">{formatHint}</p>
          </fieldset>
          <fieldset>
            <legend>States</legend>
            <div className="radios">
              {STATES.map((s) => (
                <label key={s.value}>
                  <input type="radio" name="states" value={s.value} checked={states === s.value} onChange={() => setStates(s.value)} /> {s.label}
                </label>
              ))}
            </div>
            <p className="hint">{statesHint}</p>
          </fieldset>
        </div>
        {targets.length === 1 ? <p className="hint">Tag your checks to get a badge per tag as well.</p> : null}
        <ul className="badge-list">
          {targets.map(({ tag, urls }) => {
            const what = tag === "*" ? "all checks" : `tag ${tag}`;
            return (
              <li key={tag}>
                <div className="badge-target">{tag === "*" ? <strong>All checks</strong> : <code className="tag">{tag}</code>}</div>
                <div className="badge-preview">
                  <img src={states === 3 ? urls.svg3 : urls.svg} alt={`Current status badge of ${what}`} height={20} />
                </div>
                <CopyField label={`${FORMATS.find((f) => f.value === format)!.label} address for ${what}`} value={addressOf(urls, format, states)} />
              </li>
            );
          })}
        </ul>
      </Section>
    </Page>
  );
}
