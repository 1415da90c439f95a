// Email alerts, pure parts: the message for a flip and its MIME form, read back with the MIME reader
// the email pings use (src/ping/mime.ts).
import { describe, expect, it } from "vitest";
import { dotStuff, smtpConfig } from "../../src/alerts/smtp";
import {
  addressOf,
  buildEmail,
  encodeHeader,
  messageIdFor,
  quotedPrintable,
  rfc5322Date,
  toMime,
  type EmailMessage,
} from "../../src/alerts/transports/email";
import type { AlertContext } from "../../src/alerts/types";
import type { CheckSnapshot } from "../../src/checks/model";
import {
  decodeCharset,
  decodeEncodedWords,
  decodeQuotedPrintable,
  parseEmail,
  parseHeaderValue,
  splitHeaders,
  splitMultipart,
} from "../../src/ping/mime";

const UUID = "0b6a7a3c-4f0e-4b8e-9a51-2f6c1e9d8a77";
const FLIP = Date.UTC(2026, 0, 2, 3, 4, 5);
const H = 3600_000;
const SITE = "https://hc.example.com";

function makeCtx(snapshot: Partial<CheckSnapshot> = {}, check: Record<string, unknown> = {}): AlertContext {
  return {
    snapshot: {
      check: {
        name: "backup",
        tags: "prod db",
        desc: "Nightly backup",
        grace: 3600,
        n_pings: 42,
        last_ping: new Date(FLIP - 25 * H).toISOString().replace(".000Z", "+00:00"),
        uuid: UUID,
        timeout: 86400,
        ...check,
      },
      check_id: UUID,
      project_id: "p1",
      flip_id: "flip-1",
      flip_time: FLIP,
      seq: 1,
      old_status: "up",
      new_status: "down",
      reason: "fail",
      down_duration: null,
      last_ping_body: "disk full on /var",
      last_ping_exitstatus: 1,
      last_ping_kind: "fail",
      ...snapshot,
    },
    channelId: "chan-1",
    channelName: "ops",
    idempotencyKey: "flip-1:chan-1",
    siteRoot: SITE,
    siteName: "edgechecks",
    otherDown: [{ name: "api", down_since: FLIP - 3 * H }],
    test: false,
  };
}
const upCtx = () => makeCtx({ new_status: "up", old_status: "down", reason: "", down_duration: 2 * H, last_ping_kind: "success" });
const both = { value: "ops@example.com", up: true, down: true };
const enc = new TextEncoder();

/** The decoded text of each part of a multipart/alternative message, by content type. */
function parts(raw: string): Map<string, string> {
  const { headers, body } = splitHeaders(raw);
  const ct = parseHeaderValue(headers.get("content-type") ?? "");
  const out = new Map<string, string>();
  for (const part of splitMultipart(body, ct.params.get("boundary") ?? "")) {
    const p = splitHeaders(part);
    expect(p.headers.get("content-transfer-encoding")).toBe("quoted-printable");
    out.set(parseHeaderValue(p.headers.get("content-type") ?? "").value, decodeCharset(decodeQuotedPrintable(p.body), "utf-8"));
  }
  return out;
}

describe("buildEmail", () => {
  it("a down alert: subject, recipient, details and the last ping body in both bodies", () => {
    const m = buildEmail(makeCtx(), both)!;
    expect(m.to).toBe("ops@example.com");
    expect(m.subject).toBe("DOWN | backup");
    expect(m.idempotencyKey).toBe("flip-1:chan-1");
    for (const body of [m.text, m.html]) {
      for (const s of ["backup", "is DOWN", "received a failure signal", "Nightly backup", "prod, db", "1 day", "42", "disk full on /var", "api"])
        expect(body).toContain(s);
      expect(body).toContain(`${SITE}/checks/${UUID}/details/`);
    }
    expect(m.text).toContain("Last Ping: Failure, 1 day 1 hour ago");
    expect(m.html).toMatch(/^<!DOCTYPE html>/);
  });

  it("an up alert: subject and downtime", () => {
    const m = buildEmail(upCtx(), both)!;
    expect(m.subject).toBe("UP | backup");
    expect(m.text).toContain("It was down for 2 hours.");
    expect(m.text).toContain("Other checks still down:");
  });

  it("honours the channel's up/down flags", () => {
    expect(buildEmail(makeCtx(), { ...both, down: false })).toBeNull();
    expect(buildEmail(upCtx(), { ...both, up: false })).toBeNull();
    expect(buildEmail(makeCtx(), { ...both, up: false })).not.toBeNull();
  });

  it("escapes HTML, keeps a body with ``` (unlike chat messages), names an unnamed check by uuid, no newlines in the subject", () => {
    const m = buildEmail(makeCtx({ last_ping_body: "<b>x</b> ```y```" }, { name: "a\r\nBcc: x@y" }), both)!;
    expect(m.html).toContain("&lt;b&gt;x&lt;/b&gt; ```y```");
    expect(m.html).not.toContain("<b>x</b>");
    expect(m.subject).toBe("DOWN | a Bcc: x@y");
    expect(buildEmail(makeCtx({}, { name: "" }), both)!.subject).toBe(`DOWN | ${UUID}`);
    expect(buildEmail(makeCtx({ last_ping_body: null }), both)!.text).not.toContain("Last Ping Body");
  });
});

describe("toMime", () => {
  const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const message = (o: Partial<EmailMessage> = {}): EmailMessage => ({ ...buildEmail(makeCtx(), both)!, ...o });

  it("headers: From, To, Subject, Date, Message-ID from the idempotency key, X-Idempotency-Key, multipart/alternative", () => {
    const raw = toMime(message(), '"edgechecks" <alerts@hc.example.com>', undefined, date);
    const { headers } = splitHeaders(raw);
    expect(headers.get("from")).toBe('"edgechecks" <alerts@hc.example.com>');
    expect(headers.get("to")).toBe("ops@example.com");
    expect(headers.get("subject")).toBe("DOWN | backup");
    expect(headers.get("date")).toBe("Fri, 02 Jan 2026 03:04:05 +0000");
    expect(headers.get("message-id")).toBe("<flip-1.chan-1@hc.example.com>");
    expect(headers.get("x-idempotency-key")).toBe("flip-1:chan-1");
    expect(headers.get("mime-version")).toBe("1.0");
    expect(parseHeaderValue(headers.get("content-type")!).value).toBe("multipart/alternative");
    expect(raw.split("\r\n").every((l) => l.length <= 998 && !l.includes("\n"))).toBe(true);
    expect(raw.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  it("no List-Unsubscribe without an unsubscribe URL", () => {
    const { headers } = splitHeaders(toMime(message(), "alerts@hc.example.com", undefined, date));
    expect(headers.has("list-unsubscribe")).toBe(false);
    expect(headers.has("list-unsubscribe-post")).toBe(false);
  });

  it("an alert with an unsubscribe URL: List-Unsubscribe and the one-click List-Unsubscribe-Post, the link in both bodies", () => {
    const url = `${SITE}/integrations/chan-1/unsubscribe/tok/`;
    const m = buildEmail(makeCtx(), both, url)!;
    expect(m.unsubscribeUrl).toBe(url);
    const raw = toMime(m, "alerts@hc.example.com", undefined, date);
    const { headers } = splitHeaders(raw);
    expect(headers.get("list-unsubscribe")).toBe(`<${url}>`);
    expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const byType = parts(raw);
    expect(byType.get("text/plain")).toContain(`Unsubscribe from these alerts: ${url}`);
    expect(byType.get("text/html")).toContain(`<a href="${url}"`);
    // A line break in the URL cannot start a new header.
    const injected = toMime({ ...m, unsubscribeUrl: `${url}\r\nBcc: x@y` }, "alerts@hc.example.com", undefined, date);
    expect(splitHeaders(injected).headers.has("bcc")).toBe(false);
  });

  it("round-trips through the MIME reader: text and HTML parts, UTF-8 subject and bodies", () => {
    const m = message({ subject: "DOWN | nächtliches Backup ✓ — очень длинное имя проверки для переноса", text: "Grüße\n.dot line\n" + "x".repeat(200) });
    const raw = toMime(m, "alerts@hc.example.com", undefined, date);
    expect(/^Subject: (.*(\r\n .*)*)$/m.exec(raw)![1]!.split("\r\n ").every((w) => w.length <= 75 && /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(w))).toBe(true);
    const parsed = parseEmail(enc.encode(raw));
    expect(parsed.subject).toBe(m.subject);
    const crlf = (s: string) => s.replaceAll("\n", "\r\n");
    expect(parsed.plain).toBe(crlf(m.text));
    expect(parsed.htmlText).toContain("disk full on /var");
    const byType = parts(raw);
    expect(byType.get("text/plain")).toBe(crlf(m.text));
    expect(byType.get("text/html")).toBe(crlf(m.html));
  });

  it("attaches the last ping's email as last-ping.eml in multipart/mixed, and only for email pings", () => {
    const eml = "From: cron@box.example.org\nSubject: backup FAILED\n\ndisk full\n";
    const email = buildEmail(makeCtx({ last_ping_body: eml, last_ping_scheme: "email" }), both)!;
    expect(email.lastPingEmail).toBe(eml);
    expect(buildEmail(makeCtx({ last_ping_scheme: "https" }), both)!.lastPingEmail).toBeUndefined();
    expect(buildEmail(makeCtx({ last_ping_body: null, last_ping_scheme: "email" }), both)!.lastPingEmail).toBeUndefined();

    const raw = toMime(email, "alerts@hc.example.com", undefined, date);
    const { headers, body } = splitHeaders(raw);
    const outer = parseHeaderValue(headers.get("content-type") ?? "");
    expect(outer.value).toBe("multipart/mixed");
    const [alternative, attachment, ...rest] = splitMultipart(body, outer.params.get("boundary")!);
    expect(rest).toEqual([]);
    const alt = splitHeaders(alternative!);
    expect(parts(alternative!).get("text/plain")).toContain("backup FAILED");
    expect(parseHeaderValue(alt.headers.get("content-type") ?? "").value).toBe("multipart/alternative");
    const att = splitHeaders(attachment!);
    expect(att.headers.get("content-type")).toBe("message/rfc822");
    expect(att.headers.get("content-disposition")).toBe('attachment; filename="last-ping.eml"');
    expect(att.headers.get("content-transfer-encoding")).toBe("7bit");
    expect(att.body).toBe(eml.replaceAll("\n", "\r\n"));
    expect(parseEmail(enc.encode(raw)).plain).toContain("disk full");
    expect(raw.split("\r\n").every((l) => l.length <= 998)).toBe(true);
  });

  it("an email that cannot travel as 7-bit text is attached as base64 bytes", () => {
    const eml = "Subject: Sicherung fehlgeschlagen\n\nFestplatte voll: Grüße\n" + "x".repeat(1200) + "\n";
    const raw = toMime(buildEmail(makeCtx({ last_ping_body: eml, last_ping_scheme: "email" }), both)!, "alerts@hc.example.com", undefined, date);
    const { headers, body } = splitHeaders(raw);
    const attachment = splitMultipart(body, parseHeaderValue(headers.get("content-type") ?? "").params.get("boundary")!)[1]!;
    const att = splitHeaders(attachment);
    expect(att.headers.get("content-type")).toBe('application/octet-stream; name="last-ping.eml"');
    expect(att.headers.get("content-transfer-encoding")).toBe("base64");
    const bytes = Uint8Array.from(atob(att.body.replaceAll("\r\n", "")), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(eml.replaceAll("\n", "\r\n"));
    expect(raw.split("\r\n").every((l) => l.length <= 998)).toBe(true);
  });

  it("quoted-printable: = and non-ASCII escaped, trailing spaces kept visible, soft breaks at 76", () => {
    expect(quotedPrintable("a=b ü")).toBe("a=3Db =C3=BC");
    expect(quotedPrintable("end \nnext")).toBe("end=20\r\nnext");
    const long = quotedPrintable("é".repeat(100));
    expect(long.split("\r\n").every((l) => l.length <= 76)).toBe(true);
    expect(decodeCharset(decodeQuotedPrintable(long), "utf-8")).toBe("é".repeat(100));
  });

  it("header helpers", () => {
    expect(encodeHeader("plain ascii")).toBe("plain ascii");
    expect(decodeEncodedWords(encodeHeader("UP | ✓ ok"))).toBe("UP | ✓ ok");
    expect(addressOf('"Ops" <ops@example.com>')).toBe("ops@example.com");
    expect(addressOf("ops@example.com")).toBe("ops@example.com");
    expect(messageIdFor("f:c", "x")).toBe("<f.c@edgechecks.invalid>");
    expect(rfc5322Date(new Date(0))).toBe("Thu, 01 Jan 1970 00:00:00 +0000");
  });
});

describe("SMTP helpers", () => {
  it("dot-stuffs lines starting with a dot and ends with CRLF", () => {
    expect(dotStuff(".a\r\nb\n.\r\n..c")).toBe("..a\r\nb\r\n..\r\n...c\r\n");
    expect(dotStuff("x\r\n")).toBe("x\r\n");
  });

  it("reads its settings from env: disabled without SMTP_HOST; ports and TLS defaults", () => {
    expect(smtpConfig({} as Env)).toBeNull();
    expect(smtpConfig({ SMTP_HOST: "smtp.example.com" } as Env)).toEqual({
      host: "smtp.example.com",
      port: 587,
      tls: "starttls",
      user: "",
      password: "",
      from: "edgechecks@smtp.example.com",
    });
    expect(smtpConfig({ SMTP_HOST: "h", SMTP_TLS: "on" } as Env)).toMatchObject({ port: 465, tls: "on" });
    expect(
      smtpConfig({ SMTP_HOST: "h", SMTP_PORT: "2525", SMTP_TLS: "off", SMTP_USER: "u", SMTP_PASSWORD: "p", DEFAULT_FROM_EMAIL: "a@b.c" } as Env),
    ).toEqual({ host: "h", port: 2525, tls: "off", user: "u", password: "p", from: "a@b.c" });
  });
});
