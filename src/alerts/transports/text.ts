// Message text shared by the chat/push transports: titles, reason and downtime sentences,
// durations, the check's period/schedule, "also down" lines, and the escapes each markup needs.
// Everything here is pure; transports pick the pieces and apply their own markup.
import type { ChannelKind } from "../channel-kinds";
import { tagList } from "../../checks/model";
import type { AlertContext, ChannelValue, OtherDownCheck, OutgoingRequest } from "../types";

/** The rendered (v3, rw) check inside a snapshot, with the fields the messages use. */
export interface CheckFields {
  uuid: string;
  name: string;
  slug: string;
  tags: string;
  desc: string;
  n_pings: number;
  /** ISO 8601 ("…+00:00") or null. */
  last_ping: string | null;
  timeout?: number;
  grace: number;
  schedule?: string;
  tz?: string;
}

/** Reads the snapshot's rendered check, tolerating absent fields. */
export function checkFields(ctx: AlertContext): CheckFields {
  const c = ctx.snapshot.check;
  const s = (k: string) => (typeof c[k] === "string" ? (c[k] as string) : "");
  const n = (k: string) => (typeof c[k] === "number" ? (c[k] as number) : undefined);
  const out: CheckFields = {
    uuid: s("uuid") || ctx.snapshot.check_id,
    name: s("name"),
    slug: s("slug"),
    tags: s("tags"),
    desc: s("desc"),
    n_pings: n("n_pings") ?? 0,
    last_ping: typeof c.last_ping === "string" ? c.last_ping : null,
    grace: n("grace") ?? 0,
  };
  const timeout = n("timeout");
  if (timeout !== undefined) out.timeout = timeout;
  if (typeof c.schedule === "string") {
    out.schedule = c.schedule;
    out.tz = s("tz") || "UTC";
  }
  return out;
}

export const isDown = (ctx: AlertContext): boolean => ctx.snapshot.new_status === "down";

/** The check's name, or its uuid when it has none. */
export const displayName = (ctx: AlertContext): string => checkFields(ctx).name || checkFields(ctx).uuid;

/** `“<name>” is DOWN` / `“<name>” is UP`. */
export function title(name: string, down: boolean): string {
  return `“${name}” is ${down ? "DOWN" : "UP"}`;
}

/** The title of this alert. */
export const alertTitle = (ctx: AlertContext): string => title(displayName(ctx), isDown(ctx));

/**
 * `<siteRoot>/checks/<uuid>/details/`: the dashboard's page of the check (Healthchecks' path; the
 * dashboard will serve it). null without an absolute root: a relative link would be useless.
 */
export const detailsUrl = (ctx: AlertContext): string | null =>
  ctx.siteRoot === "" ? null : `${ctx.siteRoot}/checks/${checkFields(ctx).uuid}/details/`;

/** Why the check went down, as a clause; null when there is no reason to give. */
export function reasonClause(reason: string): string | null {
  if (reason === "timeout") return "success signal did not arrive on time, grace time passed";
  if (reason === "fail") return "received a failure signal";
  if (reason === "reminder") return "it is still down (a reminder)";
  if (reason === "flapping") return "it is flapping (changing status many times an hour); its alerts are held until it has been stable for an hour";
  if (reason === "flap_end") return "it has stopped flapping (stable for an hour); this is its status now";
  return null;
}

/** "Reason: <clause>." or null. */
export function reasonSentence(reason: string): string | null {
  const clause = reasonClause(reason);
  return clause === null ? null : `Reason: ${clause}.`;
}

const UNITS: [string, number][] = [
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * A duration in words, the two most significant non-zero units, rounded down:
 * 7500 s → "2 hours 5 minutes", 90061 s → "1 day 1 hour", 59 s → "59 seconds", 0 → "0 seconds".
 */
export function formatSeconds(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? "" : "s"}`);
    if (parts.length === 2) break;
    // Only adjacent units: "1 day 5 seconds" would read oddly, so stop after the first miss.
    if (parts.length === 1 && n === 0) break;
  }
  return parts.length === 0 ? "0 seconds" : parts.join(" ");
}

export const formatMs = (ms: number): string => formatSeconds(ms / 1000);

/** "The check was down for 2 hours 5 minutes." for recoveries with a known downtime, else null. */
export function downtimeSentence(ctx: AlertContext): string | null {
  const d = ctx.snapshot.down_duration;
  if (isDown(ctx) || d === null) return null;
  return `It was down for ${formatMs(d)}.`;
}

/** The check's period facts: `[["Period", "1 day"]]` or `[["Schedule", expr], ["Time Zone", tz]]`. */
export function periodFacts(check: CheckFields): [string, string][] {
  if (check.schedule !== undefined) return [["Schedule", check.schedule], ["Time Zone", check.tz ?? "UTC"]];
  if (check.timeout !== undefined) return [["Period", formatSeconds(check.timeout)]];
  return [];
}

/** The same as one line: "Period: 1 day" / "Schedule: 0 3 * * *, Time Zone: Europe/Riga". */
export function periodLine(check: CheckFields): string | null {
  const facts = periodFacts(check);
  return facts.length === 0 ? null : facts.map(([k, v]) => `${k}: ${v}`).join(", ");
}

/** How long before `now` (ms) an ISO time was: "5 minutes ago", or "never" for null. */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "never";
  return `${formatMs(Math.max(0, now - t))} ago`;
}

/** "Last Ping" value relative to the flip: "Success, 5 minutes ago" / "never". */
export function lastPingText(ctx: AlertContext): string {
  const when = ago(checkFields(ctx).last_ping, ctx.snapshot.flip_time);
  if (when === "never") return "Never";
  const kind = ctx.snapshot.last_ping_kind;
  const label = kind === "fail" ? "Failure" : kind === "start" ? "Start" : kind === "log" ? "Log" : kind === "ign" ? "Ignored" : "Success";
  return `${label}, ${when}`;
}

/** The last ping's body for display: at most `limit` characters; null if empty or containing ``` (breaks code blocks). */
export function displayBody(body: string | null, limit = 1000): string | null {
  if (body === null || body.trim() === "" || body.includes("```")) return null;
  return body.length > limit ? `${body.slice(0, limit)}…` : body;
}

/** Tags as a list ("" → []). */

/** One "also down" entry: `“name” (down for 3 hours)`, or just `“name”` when the time is unknown. */
export function otherDownLine(other: OtherDownCheck, now: number): string {
  if (other.down_since === null) return `“${other.name}”`;
  return `“${other.name}” (down for ${formatMs(Math.max(0, now - other.down_since))})`;
}

/** The heading before the "also down" lines; null when no other check is down. */
export function otherDownHeading(ctx: AlertContext): string | null {
  if (ctx.otherDown.length === 0) return null;
  return isDown(ctx) ? "Other checks also down:" : "Other checks still down:";
}

/** The "also down" lines, relative to the flip time. */
export const otherDownLines = (ctx: AlertContext): string[] =>
  ctx.otherDown.map((o) => otherDownLine(o, ctx.snapshot.flip_time));

/** `&`, `<`, `>` and `"` as HTML entities (Telegram, Matrix, Pushover HTML). */
export const escapeHtml = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Slack mrkdwn's control characters `&`, `<`, `>` (Slack, Mattermost, Rocket.Chat, Discord /slack, Google Chat). */
export const escapeSlack = (s: string): string => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * Markdown's inline emphasis/code/link characters backslash-escaped (ntfy, Gotify, Zulip). Only
 * characters both CommonMark and Python-Markdown (Zulip) unescape, so no stray backslashes show.
 */
export const escapeMarkdown = (s: string): string => s.replace(/([\\`*_[\]])/g, "\\$1");

/** JSON request headers with the idempotency key. */
export const jsonHeaders = (ctx: AlertContext, extra: Record<string, string> = {}): Record<string, string> => ({
  "Content-Type": "application/json",
  "Idempotency-Key": ctx.idempotencyKey,
  ...extra,
});

/** Form (application/x-www-form-urlencoded) request headers with the idempotency key. */
export const formHeaders = (ctx: AlertContext, extra: Record<string, string> = {}): Record<string, string> => ({
  "Content-Type": "application/x-www-form-urlencoded",
  "Idempotency-Key": ctx.idempotencyKey,
  ...extra,
});

/** `base` + "/" + `path` with exactly one slash between. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;

/** The pieces of a full message, before markup. */
export interface MessageParts {
  title: string;
  /** Reason and downtime sentences. */
  sentences: string[];
  /** Description, Tags, Period or Schedule + Time Zone, Total Pings, Last Ping. */
  facts: [string, string][];
  /** Last ping body (see displayBody) or null. */
  body: string | null;
  otherHeading: string | null;
  otherLines: string[];
  /** The check's page; null when no absolute root is known. */
  url: string | null;
}

export function messageParts(ctx: AlertContext, bodyLimit = 1000): MessageParts {
  const check = checkFields(ctx);
  const facts: [string, string][] = [];
  if (check.desc !== "") facts.push(["Description", check.desc]);
  const tags = tagList(check.tags);
  if (tags.length > 0) facts.push(["Tags", tags.join(", ")]);
  facts.push(...periodFacts(check));
  facts.push(["Total Pings", String(check.n_pings)]);
  facts.push(["Last Ping", lastPingText(ctx)]);
  return {
    title: alertTitle(ctx),
    sentences: [reasonSentence(ctx.snapshot.reason), downtimeSentence(ctx)].filter((s): s is string => s !== null),
    facts,
    body: displayBody(ctx.snapshot.last_ping_body, bodyLimit),
    otherHeading: otherDownHeading(ctx),
    otherLines: otherDownLines(ctx),
    url: detailsUrl(ctx),
  };
}

/** HTML (Telegram's subset: b, a, pre; newlines as line breaks). Title included unless `withTitle` is false. */
export function htmlMessage(p: MessageParts, siteName: string, withTitle = true): string {
  const blocks: string[] = [];
  const head = p.sentences.map(escapeHtml);
  if (withTitle) head.unshift(`<b>${escapeHtml(p.title)}.</b>`);
  if (head.length > 0) blocks.push(head.join("\n"));
  blocks.push(p.facts.map(([k, v]) => `<b>${escapeHtml(k)}:</b> ${escapeHtml(v)}`).join("\n"));
  if (p.body !== null) blocks.push(`<b>Last Ping Body:</b>\n<pre>${escapeHtml(p.body)}</pre>`);
  if (p.otherHeading !== null)
    blocks.push([`<b>${escapeHtml(p.otherHeading)}</b>`, ...p.otherLines.map((l) => `• ${escapeHtml(l)}`)].join("\n"));
  if (p.url !== null) blocks.push(`<a href="${escapeHtml(p.url)}">View in ${escapeHtml(siteName)}</a>`);
  return blocks.join("\n\n");
}

/** Markdown (CommonMark-ish: ntfy, Gotify, Zulip). Title included unless `withTitle` is false. */
export function markdownMessage(p: MessageParts, siteName: string, withTitle = true): string {
  const blocks: string[] = [];
  const head = p.sentences.map(escapeMarkdown);
  if (withTitle) head.unshift(`**${escapeMarkdown(p.title)}.**`);
  if (head.length > 0) blocks.push(head.join("\n"));
  blocks.push(p.facts.map(([k, v]) => `**${k}:** ${escapeMarkdown(v)}`).join("\n"));
  if (p.body !== null) blocks.push("**Last Ping Body:**\n```\n" + p.body + "\n```");
  if (p.otherHeading !== null)
    blocks.push([`**${p.otherHeading}**`, ...p.otherLines.map((l) => `- ${escapeMarkdown(l)}`)].join("\n"));
  if (p.url !== null) blocks.push(`[View in ${escapeMarkdown(siteName)}](${p.url})`);
  return blocks.join("\n\n");
}

/** Plain text (Matrix `body`, fallbacks). */
export function plainMessage(p: MessageParts, siteName: string): string {
  const blocks: string[] = [[`${p.title}.`, ...p.sentences].join("\n")];
  blocks.push(p.facts.map(([k, v]) => `${k}: ${v}`).join("\n"));
  if (p.body !== null) blocks.push(`Last Ping Body:\n${p.body}`);
  if (p.otherHeading !== null) blocks.push([p.otherHeading, ...p.otherLines.map((l) => `- ${l}`)].join("\n"));
  if (p.url !== null) blocks.push(`View in ${siteName}: ${p.url}`);
  return blocks.join("\n\n");
}

/**
 * A builder that needs an async step (PagerDuty, Opsgenie and Pushover key alerts by the check's unique key,
 * a SHA-1 that Workers only compute asynchronously via crypto.subtle). Otherwise as RequestBuilder.
 */
export type AsyncRequestBuilder<K extends ChannelKind> = (
  ctx: AlertContext,
  value: ChannelValue<K>,
) => Promise<OutgoingRequest | null>;
