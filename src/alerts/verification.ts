// Sends an email channel's verification link. Runs after the API has answered (waitUntil), so a
// failure can only be logged: the channel stays unverified until the link is opened.
import { config } from "../config";
import type { SendResult } from "./http";
import { buildVerificationEmail, verifyUrl } from "./email-links";
import { ehloNameFor, sendMail, smtpConfig } from "./smtp";
import { addressOf, toMime } from "./transports/email";

export async function sendVerificationEmail(env: Env, channelId: string, to: string, origin: string): Promise<SendResult | null> {
  const smtp = smtpConfig(env);
  if (smtp === null) {
    console.warn(`email channel ${channelId}: SMTP is not configured, so no verification link was sent; it stays unverified`);
    return null;
  }
  const conf = config(env, origin);
  const link = await verifyUrl(conf.siteRoot, conf.secretKey, channelId, to);
  const message = buildVerificationEmail({ channelId, to, link, siteName: "edgechecks", sentAt: Date.now() });
  const result = await sendMail(smtp, { from: addressOf(smtp.from), to, data: toMime(message, smtp.from) }, { ehloName: ehloNameFor(conf.siteRoot) });
  if (!result.ok) console.warn(`email channel ${channelId}: the verification link could not be sent: ${result.error}`);
  return result;
}
