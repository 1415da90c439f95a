// Signed links in emails: confirming an email channel's address, and unsubscribing from its alerts.
// A token is HMAC-SHA256(SECRET_KEY) over a purpose-tagged message, so a link for one purpose never
// works for the other, and nothing needs storing. The verification token covers the address too:
// changing the address makes links sent to the old one useless. Pure apart from crypto.subtle.
import { safeEqual } from "../auth/keys";
import { base64Url, hmac } from "../crypto";
import type { LinkMail } from "./link-mail";


/** Tokens are 43 characters of base64url (256 bits). */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const sign = async (secret: string, message: string): Promise<string> => base64Url(await hmac("SHA-256", secret, message));

// NUL separates the parts: it can appear in none of them.
export const verifyToken = (secret: string, channelId: string, address: string): Promise<string> =>
  sign(secret, `email-verify\0${channelId}\0${address}`);

export const unsubscribeToken = (secret: string, channelId: string): Promise<string> => sign(secret, `email-unsubscribe\0${channelId}`);

/** The address in a stored email channel value ("" if unreadable: no link can match it). */
export function storedAddress(stored: string): string {
  try {
    const v: unknown = JSON.parse(stored);
    return typeof v === "object" && v !== null && "value" in v && typeof v.value === "string" ? v.value : "";
  } catch {
    return "";
  }
}

/** Constant-time comparison of a presented token with the expected one. */
export const tokenMatches = (presented: string, expected: string): boolean => TOKEN_RE.test(presented) && safeEqual(presented, expected);

export async function verifyUrl(siteRoot: string, secret: string, channelId: string, address: string): Promise<string> {
  return `${siteRoot}/integrations/${channelId}/verify/${await verifyToken(secret, channelId, address)}/`;
}

export async function unsubscribeUrl(siteRoot: string, secret: string, channelId: string): Promise<string> {
  return `${siteRoot}/integrations/${channelId}/unsubscribe/${await unsubscribeToken(secret, channelId)}/`;
}

/**
 * The message asking the address's owner to confirm it. `sentAt` makes each mail's Message-ID its
 * own: mail clients may drop a second message with a Message-ID they have seen.
 */
export function verificationMail(o: { channelId: string; to: string; link: string; siteName: string; sentAt: number }): LinkMail {
  return {
    to: o.to,
    subject: "Verify email address for notifications",
    lead: `Someone asked for alerts from ${o.siteName} to be sent to ${o.to}.`,
    ask: "To confirm this address and start receiving them, open this link:",
    link: o.link,
    ignore: "If you did not ask for this, ignore this message: nothing will be sent to you.",
    idempotencyKey: `verify:${o.channelId}:${o.sentAt}`,
  };
}
