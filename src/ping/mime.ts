// A small, pure MIME reader for email pings: the decoded Subject, the text/plain part and the
// text of the text/html part, which the email filters match keywords against.
// It is lenient by design: malformed input yields whatever text could be recovered, never an error.

export interface ParsedEmail {
  subject: string;
  /** The first text/plain part that is not an attachment ("" when there is none). */
  plain: string;
  /** The text of the first text/html part that is not an attachment, tags stripped ("" when none). */
  htmlText: string;
  /** That part as sent (the dashboard draws it in a sandbox; "" when none). */
  html: string;
}

/**
 * Multiparts nested deeper than this are not followed: their parts count as absent, so a hostile
 * message cannot drive the recursion (a message is at most MAX_STORED_BODY bytes anyway).
 */
export const MAX_MULTIPART_DEPTH = 16;

/** Bytes → a "binary string" (one char per byte), so offsets and delimiters work on raw bytes. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

const LATIN1 = new Set(["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819"]);
const ASCII = new Set(["", "us-ascii", "ascii"]);

/**
 * Decodes bytes in `charset`; unknown charsets fall back to UTF-8 (with replacement characters).
 * Undeclared or US-ASCII text with 8-bit bytes is read as UTF-8 when valid, else as Latin-1.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  const cs = charset.trim().toLowerCase().replace(/^"|"$/g, "");
  if (ASCII.has(cs)) return decodeHeaderBytes(bytesToBinary(bytes));
  // ISO-8859-1 proper: every byte is the code point (TextDecoder maps the label to windows-1252).
  if (LATIN1.has(cs)) return bytesToBinary(bytes);
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/** 8-bit text of unknown charset: UTF-8 when it is valid UTF-8 (as RFC 6532 headers), else Latin-1. */
function decodeHeaderBytes(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(binaryToBytes(binary));
  } catch {
    return binary;
  }
}

export function decodeBase64(input: string): Uint8Array {
  const clean = input.replace(/[^A-Za-z0-9+/]/g, "");
  const usable = clean.slice(0, clean.length - (clean.length % 4 === 1 ? 1 : 0));
  const padded = usable + "=".repeat((4 - (usable.length % 4)) % 4);
  try {
    return binaryToBytes(atob(padded));
  } catch {
    return new Uint8Array(0);
  }
}

/** Quoted-printable (RFC 2045 §6.7); `underscoreIsSpace` for the Q encoding of RFC 2047. */
export function decodeQuotedPrintable(input: string, underscoreIsSpace = false): Uint8Array {
  let s = input.replace(/=\r?\n/g, "");
  if (underscoreIsSpace) s = s.replace(/_/g, " ");
  const decoded = s.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return binaryToBytes(decoded);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** RFC 2047 encoded-words in a header value; whitespace between adjacent encoded-words is dropped. */
export function decodeEncodedWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, "$1");
  return joined.replace(ENCODED_WORD, (_m, charset: string, enc: string, text: string) => {
    const cs = charset.split("*")[0]!; // RFC 2231 language suffix: charset*lang
    const bytes = enc.toUpperCase() === "B" ? decodeBase64(text) : decodeQuotedPrintable(text, true);
    return decodeCharset(bytes, cs);
  });
}

type Headers_ = Map<string, string>;

/** Splits raw (binary) text into unfolded headers and the body. The first value of a repeated header wins. */
export function splitHeaders(binary: string): { headers: Headers_; body: string } {
  // A part may start with its blank line (no headers at all).
  const m = /^\r?\n|\r?\n\r?\n/.exec(binary);
  const head = m ? binary.slice(0, m.index) : binary;
  const body = m ? binary.slice(m.index + m[0].length) : "";
  const headers: Headers_ = new Map();
  const unfolded = head.replace(/\r?\n(?=[ \t])/g, "");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** `type/subtype; a=b; c="d"` → the lowercase type and the parameters (names lowercased). */
export function parseHeaderValue(value: string): { value: string; params: Map<string, string> } {
  const semi = value.indexOf(";");
  const main = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params = new Map<string, string>();
  if (semi >= 0) {
    const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
    let p: RegExpExecArray | null;
    while ((p = re.exec(value.slice(semi))) !== null) {
      const name = p[1]!.toLowerCase();
      const v = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3]!.trim();
      if (!params.has(name)) params.set(name, v);
    }
  }
  return { value: main, params };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The parts of a multipart body between its delimiter lines (preamble and epilogue dropped). */
export function splitMultipart(body: string, boundary: string): string[] {
  const delim = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?=\\r?\\n|$)`, "g");
  const parts: string[] = [];
  let start = -1;
  let d: RegExpExecArray | null;
  while ((d = delim.exec(body)) !== null) {
    if (start >= 0) parts.push(body.slice(start, d.index));
    if (d[1] !== undefined) return parts; // the closing delimiter
    // Skip the line break that ends the delimiter line.
    const rest = body.slice(d.index + d[0].length, d.index + d[0].length + 2);
    start = d.index + d[0].length + (rest.startsWith("\r\n") ? 2 : rest.startsWith("\n") ? 1 : 0);
  }
  if (start >= 0) parts.push(body.slice(start)); // no closing delimiter: keep the last part
  return parts;
}

function decodeTransfer(body: string, encoding: string): Uint8Array {
  switch (encoding.trim().toLowerCase()) {
    case "base64":
      return decodeBase64(body);
    case "quoted-printable":
      return decodeQuotedPrintable(body);
    default: // 7bit, 8bit, binary, or unknown: as is
      return binaryToBytes(body);
  }
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "\u00a9",
  reg: "\u00ae",
  hellip: "\u2026",
  mdash: "\u2014",
  ndash: "\u2013",
  lsquo: "\u2018",
  rsquo: "\u2019",
  ldquo: "\u201c",
  rdquo: "\u201d",
  laquo: "\u00ab",
  raquo: "\u00bb",
  euro: "\u20ac",
  times: "\u00d7",
  middot: "\u00b7",
  bull: "\u2022",
};

function codePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "\ufffd";
}

export function decodeEntities(s: string): string {
  return s.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z][a-zA-Z0-9]*);/g, (m, ref: string) => {
    if (ref[0] === "#") return codePoint(ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return NAMED_ENTITIES[ref.toLowerCase()] ?? m;
  });
}

/** Elements dropped with their content. */
const HIDDEN = new Set(["script", "style", "head", "title"]);
/** Elements whose start and end become line breaks (end tags of the first group only). */
const BLOCK_OPEN = new Set(["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "blockquote", "pre", "ul", "ol"]);
const BLOCK_CLOSE = new Set([...BLOCK_OPEN, "section", "article", "header", "footer"]);

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

/** Counts the characters the stripper examines (tests bound it by a constant times the input). */
export interface StripMeter {
  examined: number;
}

/**
 * HTML with comments, hidden elements and tags removed, block boundaries as "\n", entities not yet
 * decoded. One left-to-right pass: every search starts where the previous one of its kind stopped
 * and a search that found nothing is not repeated, so each character is examined a bounded number
 * of times whatever the input (unclosed "<!--", "<script", "<a<a<a…" are text, not rescans).
 */
export function stripTags(html: string, meter: StripMeter = { examined: 0 }): string {
  const lower = html.toLowerCase();
  const n = html.length;
  const out: string[] = [];
  // Where each kind of search may resume; Infinity = nothing further in the input.
  let gtAt = -1; // the next ">" at or after the current position
  let commentEndAt = -1;
  const closerAt = new Map<string, number>();

  /** indexOf with accounting and a memo: never scans the same stretch twice for the same needle. */
  const find = (needle: string, from: number, memo: number): number => {
    if (memo === Infinity || (memo >= from && memo !== -1)) return memo;
    const start = Math.max(from, memo + 1);
    const at = lower.indexOf(needle, start);
    meter.examined += (at < 0 ? n : at + needle.length) - start;
    return at < 0 ? Infinity : at;
  };

  let i = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    meter.examined += (lt < 0 ? n : lt + 1) - i;
    if (lt < 0) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    i = lt;
    const next = html.charCodeAt(i + 1);
    const closing = next === 47; // "/"
    const nameStart = closing ? i + 2 : i + 1;
    const first = html.charCodeAt(nameStart);
    if (!(isLetter(first) || (!closing && next === 33))) {
      out.push("<"); // "<" that starts no tag is text
      i += 1;
      continue;
    }
    if (html.startsWith("<!--", i)) {
      commentEndAt = find("-->", i + 4, commentEndAt);
      if (commentEndAt !== Infinity) {
        i = commentEndAt + 3;
        continue;
      }
      // Unclosed: like any other "<!…" markup, it ends at the next ">".
    }
    gtAt = find(">", i + 1, gtAt);
    if (gtAt === Infinity) {
      out.push(html.slice(i)); // no ">" anywhere further: the rest is text
      break;
    }
    let end = nameStart;
    while (end < gtAt && isNameChar(html.charCodeAt(end))) end++;
    meter.examined += end - nameStart;
    const name = lower.slice(nameStart, end);
    const after = gtAt + 1;
    if (!closing && HIDDEN.has(name)) {
      // Dropped up to its end tag ("</name", optional spaces, ">"); without one only the tag goes.
      let from = after;
      let skipTo = -1;
      for (;;) {
        const at = find(`</${name}`, from, closerAt.get(name) ?? -1);
        closerAt.set(name, at);
        if (at === Infinity) break;
        let k = at + name.length + 2;
        while (k < n && isSpace(html.charCodeAt(k))) k++;
        meter.examined += k - (at + name.length + 2) + 1;
        if (html.charCodeAt(k) === 62) {
          skipTo = k + 1;
          break;
        }
        from = at + 1;
      }
      i = skipTo >= 0 ? skipTo : after;
      continue;
    }
    if (name === "br" || (closing ? BLOCK_CLOSE : BLOCK_OPEN).has(name)) out.push("\n");
    i = after;
  }
  return out.join("");
}

/** The visible text of an HTML document: no scripts, styles or comments; blocks become lines. */
export function htmlToText(html: string): string {
  // Non-breaking spaces become plain spaces, so "all&nbsp;good" matches the keyword "all good".
  return decodeEntities(stripTags(html))
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.replace(/[ \t\r\f\v]+/g, " ").trim())
    .join("\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

interface Found {
  plain?: string;
  html?: string;
}

function walk(binary: string, depth: number, found: Found, defaultType = "text/plain"): void {
  const { headers, body } = splitHeaders(binary);
  const ct = parseHeaderValue(headers.get("content-type") ?? defaultType);
  const type = ct.value.includes("/") ? ct.value : defaultType;
  const disposition = parseHeaderValue(headers.get("content-disposition") ?? "").value;
  if (type.startsWith("multipart/")) {
    const boundary = ct.params.get("boundary");
    if (boundary === undefined || boundary === "" || depth >= MAX_MULTIPART_DEPTH) return;
    const childDefault = type === "multipart/digest" ? "message/rfc822" : "text/plain";
    for (const part of splitMultipart(body, boundary)) {
      walk(part, depth + 1, found, childDefault);
      if (found.plain !== undefined && found.html !== undefined) return;
    }
    return;
  }
  if (disposition === "attachment") return;
  if (type !== "text/plain" && type !== "text/html") return;
  const key = type === "text/plain" ? "plain" : "html";
  if (found[key] !== undefined) return;
  const bytes = decodeTransfer(body, headers.get("content-transfer-encoding") ?? "7bit");
  found[key] = decodeCharset(bytes, ct.params.get("charset") ?? "");
}

/** Parses a raw RFC 5322 message (possibly truncated) into the fields the email filters use. */
export function parseEmail(raw: Uint8Array): ParsedEmail {
  const binary = bytesToBinary(raw);
  const { headers } = splitHeaders(binary);
  const subject = decodeEncodedWords(decodeHeaderBytes(headers.get("subject") ?? ""));
  const found: Found = {};
  walk(binary, 0, found);
  return { subject, plain: found.plain ?? "", htmlText: found.html === undefined ? "" : htmlToText(found.html), html: found.html ?? "" };
}
