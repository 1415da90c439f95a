// Sends an email channel's verification link. Runs after the API has answered (waitUntil), so a
// failure can only be logged: the channel stays unverified until the link is opened.
import { config } from "../config";
import type { SendResult } from "./http";
import { verificationMail, verifyUrl } from "./email-links";
import { sendLinkEmail } from "./link-mail";

export async function sendVerificationEmail(env: Env, channelId: string, to: string, origin: string): Promise<SendResult | null> {
  const conf = config(env, origin);
  const link = await verifyUrl(conf.siteRoot, conf.secretKey, channelId, to);
  const result = await sendLinkEmail(env, conf.siteRoot, verificationMail({ channelId, to, link, siteName: "edgechecks", sentAt: Date.now() }));
  if (result === null) {
    console.warn(`email channel ${channelId}: SMTP is not configured, so no verification link was sent; it stays unverified`);
  } else if (!result.ok) {
    console.warn(`email channel ${channelId}: the verification link could not be sent: ${result.error}`);
  }
  return result;
}
