// Email alerts, pure parts: what to send for a flip (subject, text and HTML bodies) and the RFC 5322
// message that carries it (multipart/alternative, UTF-8, quoted-printable parts; inside
// multipart/mixed when the last ping was an email, attached as last-ping.eml). The SMTP client
// (../smtp.ts) sends what toMime() returns.
import { base64 } from "../../crypto";
import type { AlertContext, ChannelValue } from "../types";
import { escapeHtml, isDown, displayName, messageParts, type MessageParts } from "./text";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<flip id>:<channel id>`: becomes the Message-ID and the X-Idempotency-Key header. */
  idempotencyKey: string;
  /** Alerts: the one-click unsubscribe link (List-Unsubscribe, RFC 2369 and RFC 8058). */
  unsubscribeUrl?: string;
  /** Alerts whose last ping was an email: that message, attached as last-ping.eml. */
  lastPingEmail?: string;
}

/** Emails show more of the last ping body than chat messages do. */
const BODY_LIMIT = 10_000;

function lastPingBody(ctx: AlertContext): string | null {
  const body = ctx.snapshot.last_ping_body;
  if (body === null || body.trim() === "") return null;
  return body.length > BODY_LIMIT ? `${body.slice(0, BODY_LIMIT)}…` : body;
}

/** The last ping's raw message when it came by email (Healthchecks attaches it to email alerts). */
function lastPingEmail(ctx: AlertContext): string | null {
  const body = ctx.snapshot.last_ping_body;
  return ctx.snapshot.last_ping_scheme === "email" && body !== null && body !== "" ? body : null;
}

/** Control characters (CR/LF included) never reach a header. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

function textBody(p: MessageParts, siteName: string, unsubscribe?: string): string {
  const blocks: string[] = [[`${p.title}.`, ...p.sentences].join("\n")];
  blocks.push(p.facts.map(([k, v]) => `${k}: ${v}`).join("\n"));
  if (p.body !== null) blocks.push(`Last Ping Body:\n${p.body}`);
  if (p.otherHeading !== null) blocks.push([p.otherHeading, ...p.otherLines.map((l) => `- ${l}`)].join("\n"));
  if (p.url !== null) blocks.push(`View in ${siteName}: ${p.url}`);
  if (unsubscribe !== undefined) blocks.push(`Unsubscribe from these alerts: ${unsubscribe}`);
  return `${blocks.join("\n\n")}\n`;
}

function htmlBody(p: MessageParts, siteName: string, down: boolean, unsubscribe?: string): string {
  const color = down ? "#d9534f" : "#3c9a3c";
  const out: string[] = [
    "<!DOCTYPE html>",
    '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(p.title)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; color: #222;">',
    `<h2 style="color: ${color};">${escapeHtml(p.title)}</h2>`,
  ];
  for (const s of p.sentences) out.push(`<p>${escapeHtml(s)}</p>`);
  out.push('<table cellpadding="4" style="border-collapse: collapse;">');
  for (const [k, v] of p.facts) out.push(`<tr><th align="left" valign="top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  out.push("</table>");
  if (p.body !== null) {
    out.push("<h3>Last Ping Body</h3>");
    out.push(`<pre style="background: #f4f4f4; padding: 8px; white-space: pre-wrap;">${escapeHtml(p.body)}</pre>`);
  }
  if (p.otherHeading !== null) {
    out.push(`<h3>${escapeHtml(p.otherHeading)}</h3>`, "<ul>");
    for (const l of p.otherLines) out.push(`<li>${escapeHtml(l)}</li>`);
    out.push("</ul>");
  }
  if (p.url !== null) out.push(`<p><a href="${escapeHtml(p.url)}">View in ${escapeHtml(siteName)}</a></p>`);
  if (unsubscribe !== undefined) {
    out.push(`<p style="font-size: 12px; color: #777;"><a href="${escapeHtml(unsubscribe)}" style="color: #777;">Unsubscribe from these alerts</a></p>`);
  }
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}

/** The email for this flip, or null when the channel does not want this direction. */
export function buildEmail(ctx: AlertContext, value: ChannelValue<"email">, unsubscribeUrl?: string): EmailMessage | null {
  const down = isDown(ctx);
  if (down ? !value.down : !value.up) return null;
  const parts = { ...messageParts(ctx), body: lastPingBody(ctx) };
  return {
    to: value.value,
    subject: oneLine(`${down ? "DOWN" : "UP"} | ${displayName(ctx)}`),
    text: textBody(parts, ctx.siteName, unsubscribeUrl),
    html: htmlBody(parts, ctx.siteName, down, unsubscribeUrl),
    idempotencyKey: ctx.idempotencyKey,
    ...(unsubscribeUrl === undefined ? {} : { unsubscribeUrl }),
    ...(lastPingEmail(ctx) === null ? {} : { lastPingEmail: lastPingEmail(ctx)! }),
  };
}

const utf8 = new TextEncoder();


/**
 * A header value as-is when it is printable ASCII, else as RFC 2047 encoded words (base64, UTF-8),
 * each at most 75 characters, never splitting a character.
 */
export function encodeHeader(value: string): string {
  const clean = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = "";
  // 45 bytes of UTF-8 → 60 characters of base64, plus 12 of "=?UTF-8?B?" and "?=".
  for (const ch of clean) {
    if (utf8.encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk !== "") words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64(w)}?=`).join("\r\n ");
}

/** Quoted-printable (RFC 2045) of a string's UTF-8 bytes, CRLF line breaks, lines ≤ 76 characters. */
export function quotedPrintable(s: string): string {
  const lines = s.replace(/\r\n?/g, "\n").split("\n");
  return lines
    .map((line) => {
      const bytes = utf8.encode(line);
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`);
      });
      const out: string[] = [];
      let current = "";
      for (const t of tokens) {
        // Leave room for the soft break "=" at the end of a wrapped line.
        if (current.length + t.length > 75) {
          out.push(`${current}=`);
          current = "";
        }
        current += t;
      }
      out.push(current);
      return out.join("\r\n");
    })
    .join("\r\n");
}

/** RFC 5322 date in UTC: "Tue, 02 Jan 2024 03:04:05 +0000". */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, "+0000");
}

/** The bare address of "Name <addr>" or "addr". */
export function addressOf(mailbox: string): string {
  const m = /<([^<>]+)>\s*$/.exec(mailbox);
  return (m?.[1] ?? mailbox).trim();
}

/** A stable Message-ID for an idempotency key, in the sender's domain. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = addressOf(from).split("@")[1] || "edgechecks.invalid";
  return `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, ".")}@${domain}>`;
}

/**
 * An attached email: as message/rfc822 when it can travel as 7-bit text (what came in over SMTP
 * usually can), else as base64 bytes (message/rfc822 allows no base64).
 */
function emailAttachment(raw: string): string[] {
  const crlf = raw.replace(/\r\n?|\n/g, "\r\n");
  const disposition = 'Content-Disposition: attachment; filename="last-ping.eml"';
  if (/^[\x01-\x7f]*$/.test(crlf) && crlf.split("\r\n").every((line) => line.length <= 998)) {
    return ["Content-Type: message/rfc822", disposition, "Content-Transfer-Encoding: 7bit", "", crlf];
  }
  const b64 = base64(crlf).match(/.{1,76}/g) ?? [];
  return ['Content-Type: application/octet-stream; name="last-ping.eml"', disposition, "Content-Transfer-Encoding: base64", "", ...b64];
}

/**
 * The whole message with CRLF line breaks and no line over 998 characters (dot-stuffing is the SMTP
 * client's job). `messageId` defaults to one derived from the idempotency key.
 */
export function toMime(message: EmailMessage, from: string, messageId = messageIdFor(message.idempotencyKey, from), date = new Date()): string {
  const key = message.idempotencyKey.replace(/[^A-Za-z0-9]/g, "");
  // Neither boundary is a prefix of the other ("mixed_" cannot start an alphanumeric key).
  const boundary = `=_edgechecks_${key}`;
  const mixed = `=_edgechecks_mixed_${key}`;
  const alternative = `multipart/alternative; boundary="${boundary}"`;
  const headers = [
    `From: ${oneLine(from)}`,
    `To: ${oneLine(message.to)}`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: ${messageId}`,
    `X-Idempotency-Key: ${oneLine(message.idempotencyKey)}`,
    "Auto-Submitted: auto-generated",
    ...(message.unsubscribeUrl === undefined
      ? []
      : [`List-Unsubscribe: <${oneLine(message.unsubscribeUrl)}>`, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"]),
    "MIME-Version: 1.0",
    `Content-Type: ${message.lastPingEmail === undefined ? alternative : `multipart/mixed; boundary="${mixed}"`}`,
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset="utf-8"`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(body)].join(
      "\r\n",
    );
  const parts = [part("text/plain", message.text), part("text/html", message.html), `--${boundary}--`];
  const body =
    message.lastPingEmail === undefined
      ? parts
      : [`--${mixed}`, `Content-Type: ${alternative}`, "", ...parts, `--${mixed}`, ...emailAttachment(message.lastPingEmail), `--${mixed}--`];
  return [...headers, "", "This is a multipart message in MIME format.", "", ...body, ""].join("\r\n");
}
