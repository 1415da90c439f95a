// Mails whose point is one link: confirming an email channel, signing in, resetting a password,
// confirming a new address, joining a project. One layout (text and HTML), one sender.
import type { SendResult } from "./http";
import { ehloNameFor, sendMail, smtpConfig } from "./smtp";
import { addressOf, toMime, type EmailMessage } from "./transports/email";
import { escapeHtml } from "./transports/text";

export interface LinkMail {
  to: string;
  subject: string;
  /** What happened, then what the link does. */
  lead: string;
  ask: string;
  link: string;
  /** What to do if the reader did not ask for it. */
  ignore: string;
  /** Makes the Message-ID; include a time so a second mail is not dropped as a duplicate. */
  idempotencyKey: string;
}

export function buildLinkEmail(m: LinkMail): EmailMessage {
  const text = `${m.lead}\n\n${m.ask}\n${m.link}\n\n${m.ignore}\n`;
  const html = [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(m.subject)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; color: #222;">',
    `<p>${escapeHtml(m.lead)}</p>`,
    `<p>${escapeHtml(m.ask)}</p>`,
    `<p><a href="${escapeHtml(m.link)}">${escapeHtml(m.link)}</a></p>`,
    `<p>${escapeHtml(m.ignore)}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { to: m.to, subject: m.subject, text, html, idempotencyKey: m.idempotencyKey };
}

/** Sends it through the configured SMTP server; null when SMTP is not configured. Never throws. */
export async function sendLinkEmail(env: Env, siteRoot: string, m: LinkMail): Promise<SendResult | null> {
  const smtp = smtpConfig(env);
  if (smtp === null) return null;
  const message = buildLinkEmail(m);
  return sendMail(smtp, { from: addressOf(smtp.from), to: m.to, data: toMime(message, smtp.from) }, { ehloName: ehloNameFor(siteRoot) });
}
