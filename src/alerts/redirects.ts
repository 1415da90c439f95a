// How a followed redirect changes the outgoing request, as browsers (the Fetch standard's
// "HTTP-redirect fetch") and curl do, so that a target cannot use a redirect to collect a token
// meant for someone else or to replay a body somewhere it was not addressed.
import type { OutgoingRequest } from "./types";

/** Statuses whose Location is followed; any other 3xx is an answer like any other status. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Headers that carry a credential: the transports' own (Authorization for Matrix, ntfy, Opsgenie's
 * GenieKey and Zulip's Basic; Gotify's X-Gotify-Key) and the usual ones a webhook's custom headers
 * hold. Dropped, for the rest of the chain, when a redirect leaves the origin they were meant for.
 * Lowercase; the one list for every transport.
 */
export const CREDENTIAL_HEADERS: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-gotify-key",
  "x-api-key",
  "x-auth-token",
  "private-token",
];

/** Headers that describe a body: dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS: readonly string[] = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

export interface Hop {
  url: URL;
  method: OutgoingRequest["method"];
  headers: Headers;
  body: string | undefined;
}

/**
 * The request to send after `status` with `location`, or null when the Location is not a URL.
 * 301/302/303 turn a POST or PUT into a GET without a body; 307/308 keep method and body.
 */
export function nextHop(hop: Hop, status: number, location: string): Hop | null {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return null;
  }
  const headers = new Headers(hop.headers);
  if (url.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  if (status === 307 || status === 308 || hop.method === "GET") return { url, method: hop.method, headers, body: hop.body };
  for (const name of BODY_HEADERS) headers.delete(name);
  return { url, method: "GET", headers, body: undefined };
}
