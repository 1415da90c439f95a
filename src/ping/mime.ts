// A small, pure MIME reader for email pings: the decoded Subject, the text/plain part and the
// text of the text/html part, which the email filters (reference §1.9) match keywords against.
// It is lenient by design: malformed input yields whatever text could be recovered, never an error.

export interface ParsedEmail {
  subject: string;
  /** The first text/plain part that is not an attachment ("" when there is none). */
  plain: string;
  /** The text of the first text/html part that is not an attachment, tags stripped ("" when none). */
  htmlText: string;
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

/** The visible text of an HTML document: no scripts, styles or comments; blocks become lines. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\b[^>]*>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote|pre|section|article|header|footer|ul|ol)\s*>/gi, "\n")
    .replace(/<(p|div|h[1-6]|li|tr|table|blockquote|pre|ul|ol)\b[^>]*>/gi, "\n")
    .replace(/<\/?[a-zA-Z!][^>]*>/g, "");
  // Non-breaking spaces become plain spaces, so "all&nbsp;good" matches the keyword "all good".
  return decodeEntities(text)
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
  return { subject, plain: found.plain ?? "", htmlText: found.html === undefined ? "" : htmlToText(found.html) };
}
