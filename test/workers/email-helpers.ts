// Shared by the email tests: a message shaped like Cloudflare's ForwardableEmailMessage, handed to
// the Worker's email() handler; and the vars that point outgoing mail at the test
// SMTP server (test/setup/smtp.ts), with what it received.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import worker from "../../src/index";
import { SMTP_PASSWORD, SMTP_USER, type ReceivedMail } from "../setup/smtp-shared";

export { SMTP_PASSWORD, SMTP_USER, type ReceivedMail };
export const SMTP_FROM = '"edgechecks alerts" <alerts@edgechecks.test>';

/** Vars for plain SMTP with AUTH to the test server; `o` overrides any of them. */
export const smtpVars = (o: Record<string, string> = {}): Record<string, string> => ({
  // Email alerts need SITE_ROOT for their links (docs/alerts.md); the Worker is reached as localhost.
  SITE_ROOT: "http://localhost",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(inject("smtpPort")),
  SMTP_TLS: "off",
  SMTP_USER,
  SMTP_PASSWORD,
  DEFAULT_FROM_EMAIL: SMTP_FROM,
  ...o,
});

export const smtpEnv = (o: Record<string, string> = {}): Env => ({ ...env, ...smtpVars(o) });

/** Every message the test SMTP servers received for `to`, oldest first. */
export async function receivedMail(to: string): Promise<ReceivedMail[]> {
  return (await fetch(`http://127.0.0.1:${inject("smtpInspectPort")}/messages?to=${encodeURIComponent(to)}`)).json();
}

export interface Sent {
  rejected: string | null;
  forwarded: string[];
  replied: number;
}

const enc = new TextEncoder();

/** Delivers `raw` to `to` through the default export's email() handler with `opts.env`. */
export async function deliverEmail(to: string, raw: string | Uint8Array, opts: { from?: string; env: Env }): Promise<Sent> {
  const bytes = typeof raw === "string" ? enc.encode(raw) : raw;
  const sent: Sent = { rejected: null, forwarded: [], replied: 0 };
  const message = {
    from: opts.from ?? "cron@box.example.org",
    to,
    headers: new Headers(),
    raw: new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.slice(i, i + 65_536));
        controller.close();
      },
    }),
    rawSize: bytes.length,
    canBeForwarded: true,
    setReject(reason: string) {
      sent.rejected = reason;
    },
    async forward(rcptTo: string) {
      sent.forwarded.push(rcptTo);
      return { messageId: "x" };
    },
    async reply() {
      sent.replied++;
      return { messageId: "y" };
    },
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email!(message, opts.env, ctx);
  await waitOnExecutionContext(ctx);
  return sent;
}

