// The account emails better-auth asks for (sign-in link, password reset, new address), sent through
// the site's SMTP server. A link the admin CLI asked for is handed back instead of mailed.
import { AsyncLocalStorage } from "node:async_hooks";
import { sendLinkEmail, type LinkMail } from "../alerts/link-mail";

type AccountMail = Omit<LinkMail, "idempotencyKey">;

/**
 * Set around a server-side call (never reachable from HTTP): the link lands here, not in a mailbox.
 * This is how `npm run admin -- create-user` prints a one-time sign-in link without SMTP.
 */
export const linkCapture = new AsyncLocalStorage<{ url?: string }>();

export class MailNotSentError extends Error {}

/** Mails the link, or hands it to the capture; throws when it could not be sent (the caller answers 4xx/5xx). */
export async function deliverAccountMail(env: Env, siteRoot: string, mail: AccountMail): Promise<void> {
  const capture = linkCapture.getStore();
  if (capture !== undefined) {
    capture.url = mail.link;
    return;
  }
  const result = await sendLinkEmail(env, siteRoot, { ...mail, idempotencyKey: `account:${mail.subject}:${mail.to}:${Date.now()}` });
  if (result === null) throw new MailNotSentError("this site has no email (SMTP) configured");
  if (!result.ok) throw new MailNotSentError(`the email could not be sent: ${result.error}`);
}

export const magicLinkMail = (to: string, url: string): AccountMail => ({
  to,
  subject: "Sign in to edgechecks",
  lead: `Someone asked to sign in to edgechecks as ${to}.`,
  ask: "To sign in, open this link (it works once, for 15 minutes):",
  link: url,
  ignore: "If you did not ask for this, ignore this message: nobody can sign in without the link.",
});

export const resetPasswordMail = (to: string, url: string): AccountMail => ({
  to,
  subject: "Reset your edgechecks password",
  lead: `Someone asked to reset the password of the edgechecks account ${to}.`,
  ask: "To choose a new password, open this link (it works once, for one hour):",
  link: url,
  ignore: "If you did not ask for this, ignore this message: your password stays as it is.",
});

export const newAddressMail = (to: string, url: string): AccountMail => ({
  to,
  subject: "Confirm your new edgechecks email address",
  lead: `Someone asked to use ${to} as the email address of their edgechecks account.`,
  ask: "To confirm the change, open this link:",
  link: url,
  ignore: "If you did not ask for this, ignore this message: nothing changes.",
});
