// Badge URL signatures: a tag badge URL carries the first 8 characters of an
// HMAC over the tag, so badge URLs are public but cannot be made up for other tags or projects.
import { safeEqual } from "../auth/keys";
import { base64Url, hmac, sha1 } from "../crypto";

const SIG_LENGTH = 8;


/**
 * The signature of `tag` under a project's badge key: HMAC-SHA1 keyed with the raw SHA-1 digest of
 * badge_key + SECRET_KEY, urlsafe base64 without padding, first 8 characters. Without the "-2"
 * suffix (that is, the 3-state form).
 */
export async function badgeSignature(badgeKey: string, tag: string, secret: string): Promise<string> {
  return base64Url(await hmac("SHA-1", await sha1(badgeKey + secret), tag)).slice(0, SIG_LENGTH);
}

/** A 10-character signature ending in "-2" asks for the 2-state badge; anything else, 3 states. */
export const isTwoState = (sig: string): boolean => sig.length === 10 && sig.endsWith("-2");

/** Checks the first 8 characters of a presented signature in constant time. */
export async function verifyBadgeSignature(badgeKey: string, tag: string, sig: string, secret: string): Promise<boolean> {
  const expected = await badgeSignature(badgeKey, tag, secret);
  return safeEqual(expected, sig.slice(0, SIG_LENGTH));
}

/** Percent-encodes every byte except ASCII letters, digits and "_.-~" (a URL path segment, nothing reserved kept). */
export function quoteSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The tag as it appears in a badge URL: encoded twice, so "/" and other reserved characters survive
 * routers that decode the path ("db@dc1" → "db%2540dc1"). The route decodes it twice.
 */
export const encodeTagSegment = (tag: string): string => quoteSegment(tag).replaceAll("%", "%25");

export interface BadgeUrls {
  svg: string;
  svg3: string;
  json: string;
  json3: string;
  shields: string;
  shields3: string;
}

/** Every badge URL of one tag ("*" = all checks of the project); the unsuffixed keys are 2-state. */
export async function badgeUrls(siteRoot: string, badgeKey: string, secret: string, tag: string): Promise<BadgeUrls> {
  const sig = await badgeSignature(badgeKey, tag, secret);
  const base = `${siteRoot.replace(/\/+$/, "")}/badge/${badgeKey}/`;
  const url = (s: string, fmt: string) => (tag === "*" ? `${base}${s}.${fmt}` : `${base}${s}/${encodeTagSegment(tag)}.${fmt}`);
  return {
    svg: url(`${sig}-2`, "svg"),
    svg3: url(sig, "svg"),
    json: url(`${sig}-2`, "json"),
    json3: url(sig, "json"),
    shields: url(`${sig}-2`, "shields"),
    shields3: url(sig, "shields"),
  };
}
