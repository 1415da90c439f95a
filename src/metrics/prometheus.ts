// Prometheus text exposition (format 0.0.4) of a project's checks, in the families and label
// layout of Healthchecks' metrics endpoint. Pure: the caller supplies each check's status.
import { tagList, type Status } from "../checks/model";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricsCheck {
  id: string;
  /** Creation time (ms); checks are listed by creation, then id. */
  created: number;
  name: string;
  /** Space-separated, as stored. */
  tags: string;
  unique_key: string;
  /** get_status() without the "started" rule: new, up, grace, down or paused. */
  status: Status;
  /** A start signal is pending (last_start is set). */
  started: boolean;
}

/** Label value escaping of the text format: backslash, double quote, newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Orders strings by Unicode code point (not UTF-16 unit), so sorting is the same on every server. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0)!);
  const y = Array.from(b, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const flag = (b: boolean): number => (b ? 1 : 0);

// HELP texts are Healthchecks' own, word for word: dashboards and alert rules may match on them.
function family(name: string, help: string, samples: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${samples.map((s) => `${s}\n`).join("")}`;
}

export function renderMetrics(input: readonly MetricsCheck[]): string {
  const list = [...input].sort((a, b) => a.created - b.created || cmpStr(a.id, b.id));
  const labels = (c: MetricsCheck) =>
    `{name="${escapeLabel(c.name)}", tags="${escapeLabel(c.tags)}", unique_key="${escapeLabel(c.unique_key)}"}`;
  const perCheck = (metric: string, value: (c: MetricsCheck) => boolean) =>
    list.map((c) => `${metric}${labels(c)} ${flag(value(c))}`);

  const tagUp = new Map<string, boolean>();
  for (const c of list) {
    for (const tag of tagList(c.tags)) tagUp.set(tag, (tagUp.get(tag) ?? true) && c.status !== "down");
  }
  const tags = [...tagUp.keys()].sort(byCodePoint);
  const down = list.filter((c) => c.status === "down").length;

  return [
    family("hc_check_up", "Whether the check is currently up (1 for yes, 0 for no).",
      perCheck("hc_check_up", (c) => c.status !== "down")),
    family("hc_check_started", "Whether the check is currently started (1 for yes, 0 for no).",
      perCheck("hc_check_started", (c) => c.started)),
    family("hc_check_grace", "Whether the check is currently in the grace period (1 for yes, 0 for no).",
      perCheck("hc_check_grace", (c) => c.status === "grace")),
    family("hc_check_paused", "Whether the check is currently paused (1 for yes, 0 for no).",
      perCheck("hc_check_paused", (c) => c.status === "paused")),
    family("hc_tag_up", "Whether all checks with this tag are up (1 for yes, 0 for no).",
      tags.map((t) => `hc_tag_up{tag="${escapeLabel(t)}"} ${flag(tagUp.get(t)!)}`)),
    family("hc_checks_total", "The total number of checks.", [`hc_checks_total ${list.length}`]),
    family("hc_checks_down_total", "The number of checks currently down.", [`hc_checks_down_total ${down}`]),
  ].join("\n");
}
