// Email alerts end to end inside the Workers pool: a real ping flips the check, the queue consumer
// sends the alert over SMTP (cloudflare:sockets) to real SMTP servers (test/setup/smtp.ts).
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import { sendMail } from "../../src/alerts/smtp";
import { parseEmail, parseHeaderValue, splitHeaders, splitMultipart } from "../../src/ping/mime";
import { runDurableObjectAlarm } from "cloudflare:test";
import { checkWith, consume, flipped } from "./alert-helpers";
import { deliverEmail, receivedMail, SMTP_FROM, SMTP_PASSWORD, SMTP_USER, smtpEnv } from "./email-helpers";
import { api, makeProject, openVerifyLink, stub, type TestProject } from "./helpers";

const address = (prefix = "ops") => `${prefix}-${crypto.randomUUID()}@example.com`;

/** A verified email channel: created through the API, confirmed through its link. */
async function emailChannel(p: TestProject, to: string, flags: { up?: boolean; down?: boolean } = {}): Promise<string> {
  const res = await api(p, "/channels/", { body: { name: "mail", kind: "email", value: { value: to, up: true, down: true, ...flags } } });
  expect(res.status).toBe(201);
  const id = (await res.json<{ id: string }>()).id;
  expect((await openVerifyLink(id, to)).status).toBe(200);
  return id;
}




const log = async (flipId: string) =>
  (await env.DB.prepare("SELECT * FROM notifications WHERE flip_id = ?").bind(flipId).all<Record<string, unknown>>()).results;

const headersOf = (raw: string) => splitHeaders(raw).headers;

describe("email alerts over SMTP", () => {
  it("a failure and the recovery: one message each, with subject, From/To, text and HTML parts", async () => {
    const p = await makeProject();
    const to = address();
    const ch = await emailChannel(p, to);
    const { uuid, rec } = await checkWith(p, ch, "nightly backup");

    const down = await flipped(uuid, rec, "/fail", "disk full on /var");
    expect((await consume(down, { env: smtpEnv() })).explicitAcks).toEqual(["m1"]);
    let got = await receivedMail(to);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ server: "plain", user: SMTP_USER, mailFrom: "alerts@edgechecks.test", rcptTo: [to] });
    const h = headersOf(got[0]!.raw);
    expect(h.get("from")).toBe(SMTP_FROM);
    expect(h.get("to")).toBe(to);
    expect(h.get("x-idempotency-key")).toBe(`${down.flip_id}:${ch}`);
    const mail = parseEmail(new TextEncoder().encode(got[0]!.raw));
    expect(mail.subject).toBe("DOWN | nightly backup");
    for (const part of [mail.plain, mail.htmlText]) {
      expect(part).toContain("nightly backup");
      expect(part).toContain("disk full on /var");
    }
    expect((await log(down.flip_id))).toEqual([expect.objectContaining({ channel_id: ch, status: "sent", error: "", attempts: 1 })]);

    const up = await flipped(uuid, rec, "");
    await consume(up, { env: smtpEnv() });
    got = await receivedMail(to);
    expect(got).toHaveLength(2);
    expect(parseEmail(new TextEncoder().encode(got[1]!.raw)).subject).toBe("UP | nightly backup");
  });

  it("a failure reported by email attaches that email as last-ping.eml", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, to), "nightly backup");
    const patch = await api(p, `/checks/${uuid}`, { body: { filter_subject: true, failure_kw: "FAILED" } });
    expect(patch.status).toBe(200);
    const report = ["From: cron@box.example.org", "To: backups", "Subject: backup FAILED", "", "disk full on /var", ""].join("\r\n");
    const sent = await deliverEmail(`${uuid}@hc.example.com`, report, { env: { ...env, PING_EMAIL_DOMAIN: "hc.example.com" } as Env });
    expect(sent.rejected).toBeNull();
    await runDurableObjectAlarm(stub(uuid));
    const down = rec.sent.at(-1)!;
    await consume(down, { env: smtpEnv() });
    const [mail] = await receivedMail(to);
    const { headers, body } = splitHeaders(mail!.raw);
    const boundary = parseHeaderValue(headers.get("content-type") ?? "");
    expect(boundary.value).toBe("multipart/mixed");
    const attachment = splitHeaders(splitMultipart(body, boundary.params.get("boundary")!)[1]!);
    expect(attachment.headers.get("content-disposition")).toBe('attachment; filename="last-ping.eml"');
    expect(attachment.body).toBe(report);
    expect(parseEmail(new TextEncoder().encode(mail!.raw)).subject).toBe("DOWN | nightly backup");
  });

  it("a channel with down: false gets nothing for a failure, and no log row", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, to, { down: false }), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    await consume(down, { env: smtpEnv() });
    expect(await receivedMail(to)).toEqual([]);
    expect(await log(down.flip_id)).toEqual([]);
  });

  it("a redelivered message is sent once", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, to), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    await consume(down, { env: smtpEnv(), attempts: 1 });
    await consume(down, { env: smtpEnv(), attempts: 2 });
    expect(await receivedMail(to)).toHaveLength(1);
  });

  it("a wrong password: the error is logged and the message retried; the right one then delivers", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, to), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    const first = await consume(down, { env: smtpEnv({ SMTP_PASSWORD: "wrong" }), attempts: 1 });
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(await log(down.flip_id)).toEqual([expect.objectContaining({ status: "retry", error: expect.stringMatching(/^SMTP authentication failed: 535/) })]);
    expect(await receivedMail(to)).toEqual([]);
    expect((await consume(down, { env: smtpEnv(), attempts: 2 })).explicitAcks).toEqual(["m2"]);
    expect(await receivedMail(to)).toHaveLength(1);
    expect(await log(down.flip_id)).toEqual([expect.objectContaining({ status: "sent", attempts: 2, error: "" })]);
  });

  it("a recipient the server refuses (5xx to RCPT TO) fails for good, no retry", async () => {
    const p = await makeProject();
    const to = address("reject");
    const { uuid, rec } = await checkWith(p, await emailChannel(p, to), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down, { env: smtpEnv() })).explicitAcks).toEqual(["m1"]);
    expect(await log(down.flip_id)).toEqual([expect.objectContaining({ status: "failed", error: expect.stringMatching(/^RCPT TO failed: 550/) })]);
  });

  it("without SMTP_HOST: failed with 'email notifications are not enabled.', no retry", async () => {
    const p = await makeProject();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, address()), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down, { env: smtpEnv({ SMTP_HOST: "" }) })).explicitAcks).toEqual(["m1"]);
    expect(await log(down.flip_id)).toEqual([expect.objectContaining({ status: "failed", error: "email notifications are not enabled." })]);
  });

  it("a closed port: connection failure, retried", async () => {
    const p = await makeProject();
    const { uuid, rec } = await checkWith(p, await emailChannel(p, address()), "nightly backup");
    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down, { env: smtpEnv({ SMTP_PORT: "1" }) })).retryMessages).toHaveLength(1);
    expect(await log(down.flip_id)).toEqual([expect.objectContaining({ status: "retry", error: expect.stringMatching(/^Connection failed/) })]);
  });
});

describe("SMTP client variants", () => {
  const config = (port: number, tls: "off" | "on" | "starttls") => ({ host: "127.0.0.1", port, tls, user: SMTP_USER, password: SMTP_PASSWORD, from: SMTP_FROM });
  const data = (to: string) => `From: ${SMTP_FROM}\r\nTo: ${to}\r\nSubject: variant\r\n\r\n.leading dot\r\nbody\r\n`;

  it("AUTH LOGIN when the server offers only LOGIN; dot-stuffed lines arrive intact", async () => {
    const to = address();
    const r = await sendMail(config(inject("smtpLoginPort"), "off"), { from: "alerts@edgechecks.test", to, data: data(to) });
    expect(r).toMatchObject({ ok: true, error: "" });
    const got = await receivedMail(to);
    expect(got).toMatchObject([{ server: "login", user: SMTP_USER }]);
    expect(got[0]!.raw).toContain("\r\n.leading dot\r\nbody\r\n");
  });

  /** The TLS servers' port; fails (never skips) with the reason when openssl could not make certificates. */
  const tlsPort = (name: "smtpStartTlsPort" | "smtpTlsPort") => {
    const port = inject(name);
    if (port === 0) throw new Error(inject("smtpTlsError"));
    return port;
  };

  it("STARTTLS with a certificate from a test CA", async () => {
    const port = tlsPort("smtpStartTlsPort");
    const to = address();
    const r = await sendMail(config(port, "starttls"), { from: "alerts@edgechecks.test", to, data: data(to) });
    expect(r).toMatchObject({ ok: true, error: "" });
    expect(await receivedMail(to)).toMatchObject([{ server: "starttls", secure: true, user: SMTP_USER }]);
  });

  it("implicit TLS", async () => {
    const port = tlsPort("smtpTlsPort");
    const to = address();
    const r = await sendMail(config(port, "on"), { from: "alerts@edgechecks.test", to, data: data(to) });
    expect(r).toMatchObject({ ok: true, error: "" });
    expect(await receivedMail(to)).toMatchObject([{ server: "tls", secure: true, user: SMTP_USER }]);
  });

  it("a server that never greets: Connection timed out", async () => {
    const accepted = async () =>
      (await (await fetch(`http://127.0.0.1:${inject("smtpInspectPort")}/silent`)).json<{ accepted: number }>()).accepted;
    const before = await accepted();
    // The test, not a wall-clock deadline, decides when time is up: once the server holds the connection.
    const timeUp = new AbortController();
    const sending = sendMail(config(inject("smtpSilentPort"), "off"), { from: "a@b.c", to: address(), data: "x\r\n" }, { signal: timeUp.signal });
    await vi.waitFor(async () => expect(await accepted()).toBeGreaterThan(before), { timeout: 10_000, interval: 20 });
    timeUp.abort();
    expect(await sending).toMatchObject({ ok: false, error: "Connection timed out", permanent: false });
  });

  it("refuses to go on in plaintext when STARTTLS is required but not offered", async () => {
    const r = await sendMail(config(inject("smtpPort"), "starttls"), { from: "a@b.c", to: address(), data: "x\r\n" });
    expect(r).toMatchObject({ ok: false, error: "The SMTP server does not support STARTTLS", permanent: false });
  });
});
