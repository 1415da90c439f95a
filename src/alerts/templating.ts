// Webhook placeholder substitution with Healthchecks' rules: one pass over the
// template split on "$", each piece replaced by the first placeholder it starts with, in a fixed
// order; values are encoded for where the template is used (URL, body or header value).
import { tagList } from "../checks/model";
import { isoString } from "../checks/render";
import type { AlertContext } from "./types";

/** Where a template is used: decides the encoding and which placeholders exist. */
export type TemplateWhere = "url" | "body" | "headers";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Python's `urllib.parse.quote(s)` (safe="/"): UTF-8 bytes percent-encoded, except ASCII letters,
 * digits, "_.-~" and "/". Lone surrogates (which Python could not encode) become U+FFFD.
 */
export function pyQuote(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, "\uFFFD"))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, "/");
}

/**
 * Python's `json.dumps(v)` with its defaults: ", " and ": " separators and ensure_ascii (everything
 * outside printable ASCII escaped as \uXXXX, astral characters as surrogate pairs). Keys keep their
 * insertion order; undefined members are dropped like JSON.stringify does.
 */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return pyJsonString(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(", ")}]`;
  if (typeof v === "object") {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${pyJsonString(k)}: ${pyJsonDumps(x)}`);
    return `{${parts.join(", ")}}`;
  }
  return pyJsonString(String(v));
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

function pyJsonString(s: string): string {
  // UTF-16 code units are exactly what ensure_ascii's \uXXXX escapes spell.
  return `"${s.replace(/[^ -~]|["\\]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** Python's `s.encode("latin-1", "xmlcharrefreplace").decode("latin-1")`: code points above U+00FF become `&#N;`. */
export function latin1CharRefs(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp > 0xff ? `&#${cp};` : ch;
  }
  return out;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

type Placeholders = [placeholder: string, value: () => string][];

/** The placeholders in their matching order (order matters: the first prefix match wins). */
function placeholders(ctx: AlertContext, where: TemplateWhere): Placeholders {
  const snap = ctx.snapshot;
  const check = snap.check;
  // $CODE, $STATUS, $SLUG and $EXITSTATUS are never percent-encoded.
  const safe = where === "url" ? pyQuote : (s: string) => s;
  const tagsString = str(check.tags);
  const list: Placeholders = [
    ["$CODE", () => snap.check_id],
    ["$STATUS", () => snap.new_status],
    ["$NOW", () => safe(isoString(snap.flip_time)!)],
    ["$NAME_JSON", () => safe(pyJsonDumps(str(check.name)))],
    ["$NAME", () => safe(str(check.name))],
    ["$SLUG", () => str(check.slug)],
    ["$TAGS", () => safe(tagsString)],
    ["$JSON", () => safe(pyJsonDumps(check))],
  ];
  // The last ping's body exists only for request bodies: elsewhere $BODY stays as typed.
  if (where === "body") {
    const body = snap.last_ping_body ?? "";
    list.push(["$BODY_JSON", () => pyJsonDumps(body)], ["$BODY", () => body]);
  }
  list.push(["$EXITSTATUS", () => String(snap.last_ping_exitstatus ?? -1)]);
  tagList(tagsString).forEach((tag, i) => list.push([`$TAG${i + 1}`, () => safe(tag)]));
  return list;
}

/**
 * Substitutes placeholders in one pass: the template is split on "$" and each piece after the first
 * gets its "$" back and is replaced by the first placeholder it starts with (the rest of the piece
 * kept as is). Values are never scanned again, so "$" inside them is inert; a piece matching no
 * placeholder (or a bare "$" from "$$") is left as typed.
 */
export function substitute(template: string, list: Placeholders): string {
  const [head, ...pieces] = template.split("$");
  let out = head!;
  for (const rest of pieces) {
    const piece = `$${rest}`;
    const hit = list.find(([p]) => piece.startsWith(p));
    out += hit ? hit[1]() + piece.slice(hit[0].length) : piece;
  }
  return out;
}

/** Renders a webhook template (URL, body or one header value) for the alert in `ctx`. */
export function render(template: string, ctx: AlertContext, where: TemplateWhere): string {
  const result = substitute(template, placeholders(ctx, where));
  return where === "headers" ? latin1CharRefs(result) : result;
}
