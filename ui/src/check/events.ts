// How a check's events read in its log (Healthchecks' words for each kind of ping), the log page's
// type filters as they live in the query string, and which pings make the run-duration chart. Pure,
// with the few fields it reads typed here, so the unit tests run it without the server's types.

export type PingKind = "success" | "fail" | "start" | "log" | "ign";

export interface PingFields {
  type: PingKind;
  n: number;
  date: string;
  scheme: string;
  method: string;
  remote_addr: string | null;
  ua: string;
  rid: string | null;
  exitstatus: number | null;
  /** Seconds, when the run's start was seen. */
  duration?: number;
}

/** OK, Failure, "Status 3" (a failure reported with its exit status), Started, Log, Ignored. */
export function pingLabel(p: Pick<PingFields, "type" | "exitstatus">): string {
  switch (p.type) {
    case "success":
      return "OK";
    case "fail":
      return p.exitstatus !== null && p.exitstatus > 0 ? `Status ${p.exitstatus}` : "Failure";
    case "start":
      return "Started";
    case "log":
      return "Log";
    case "ign":
      return "Ignored";
  }
}

/** "HTTPS POST from 203.0.113.7"; an email ping's "Email from someone@example.org". */
export function pingSource(p: Pick<PingFields, "scheme" | "method" | "remote_addr" | "ua">): string {
  if (p.scheme === "email") return p.ua;
  const from = p.remote_addr === null ? "" : ` from ${p.remote_addr}`;
  return `${p.scheme.toUpperCase()} ${p.method}${from}`.trim();
}

/** The start of a run id, enough to tell concurrent runs apart in the log. */
export const shortRid = (rid: string | null): string | null => (rid === null || rid === "" ? null : rid.slice(0, 5));

/** "Status: up → down". */
export const flipText = (f: { old_status: string; new_status: string }) => `Status: ${f.old_status} → ${f.new_status}`;

export interface AlertFields {
  kind_of_alert: string;
  status: string;
  error: string;
  attempts: number;
}

const ALERT_WORDS: Record<string, string> = {
  down: "a down alert",
  up: "an up alert",
  reminder: "a reminder",
  flapping: "a flapping alert",
  flap_end: "an end-of-flapping alert",
  test: "a test notification",
};

/** An alert's delivery: "Sent a down alert to Ops email.", "Could not send … Error: …". */
export function alertText(a: AlertFields, channel: string): string {
  const what = ALERT_WORDS[a.kind_of_alert] ?? `a ${a.kind_of_alert} alert`;
  switch (a.status) {
    case "sent":
      return `Sent ${what} to ${channel}.`;
    case "superseded":
      return `Did not send ${what} to ${channel}: a newer alert replaced it.`;
    case "retrying":
      return `Sending ${what} to ${channel} (attempt ${a.attempts})${a.error ? `; last error: ${a.error}` : ""}.`;
    default:
      return `Could not send ${what} to ${channel}. Error: ${a.error || "unknown"}.`;
  }
}

/** The log page's filters, in Healthchecks' order, with the event types each stands for. */
export const EVENT_FILTERS = [
  { type: "success", label: "Success" },
  { type: "fail", label: "Failure" },
  { type: "start", label: "Started" },
  { type: "log", label: "Log" },
  { type: "ign", label: "Ignored" },
  { type: "flip", label: "Status change" },
  { type: "alert", label: "Alert" },
] as const;

export type EventType = (typeof EVENT_FILTERS)[number]["type"];
const ALL_TYPES: EventType[] = EVENT_FILTERS.map((f) => f.type);

/** The `types` of the query string as a set (every type when absent; unknown names are dropped). */
export function parseTypes(types: string | undefined): Set<EventType> {
  if (types === undefined) return new Set(ALL_TYPES);
  return new Set(ALL_TYPES.filter((t) => types.split(",").includes(t)));
}

/** The query string's `types` for a set: undefined (absent) when it is every type. */
export function formatTypes(types: ReadonlySet<EventType>): string | undefined {
  return ALL_TYPES.every((t) => types.has(t)) ? undefined : ALL_TYPES.filter((t) => types.has(t)).join(",");
}

export interface Run {
  n: number;
  date: string;
  /** Seconds. */
  duration: number;
  ok: boolean;
}

/** The runs of the chart, oldest first: success and failure pings that carry a duration. */
export function runsOf(events: readonly { type: string }[]): Run[] {
  const runs: Run[] = [];
  for (const e of events) {
    if (e.type !== "success" && e.type !== "fail") continue;
    const p = e as PingFields;
    if (typeof p.duration === "number" && Number.isFinite(p.duration)) runs.push({ n: p.n, date: p.date, duration: p.duration, ok: p.type === "success" });
  }
  return runs.sort((a, b) => a.n - b.n);
}

/** The median and the longest run (the latest of equally long ones); null without runs. */
export function runStats(runs: readonly Run[]): { median: number; longest: Run } | null {
  if (runs.length === 0) return null;
  const sorted = runs.map((r) => r.duration).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const longest = runs.reduce((a, b) => (b.duration >= a.duration ? b : a));
  return { median, longest };
}
