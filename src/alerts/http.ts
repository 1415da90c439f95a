// Sends one OutgoingRequest as Healthchecks' HTTP transports do: 30 s per attempt, success only on
// 200/201/202/204, private addresses refused unless INTEGRATIONS_ALLOW_PRIVATE_IPS.
import { isPrivateHost } from "./private-address";
import { nextHop, REDIRECT_STATUSES, type Hop } from "./redirects";
import type { OutgoingRequest } from "./types";

const TIMEOUT_MS = 30_000;
const OK = new Set([200, 201, 202, 204]);

export interface SendResult {
  ok: boolean;
  /** "" on success, else Healthchecks-style text ("Received status code 500", …). */
  error: string;
  /** A retry cannot help (e.g. a private address, or what the transport calls permanent). */
  permanent: boolean;
  status: number | null;
}

const MAX_REDIRECTS = 3;

export interface SendOptions {
  /** Per attempt, redirects included; tests shorten it instead of waiting 30 s. */
  timeoutMs?: number;
  /** The private-address rule; tests let a loopback receiver stand in for a public server. */
  isPrivate?: (hostname: string) => boolean;
}

function refused(url: URL, allowPrivate: boolean, isPrivate: (hostname: string) => boolean): SendResult | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, error: "Invalid URL", permanent: true, status: null };
  if (!allowPrivate && isPrivate(url.hostname)) {
    return { ok: false, error: "Connections to private IP addresses are not allowed", permanent: true, status: null };
  }
  return null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Why these headers cannot be sent, or null. A line break in a value (e.g. a check name substituted
 * into a header template) would end the header: it is that alert's permanent failure, never sent.
 */
export function badHeader(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    const shown = JSON.stringify(name.slice(0, 60));
    if (!TOKEN.test(name)) return `Header name ${shown} is not valid; not sent`;
    if (/[\r\n\0]/.test(value)) return `Header ${shown} contains a line break; not sent`;
  }
  return null;
}

export async function sendRequest(
  req: OutgoingRequest,
  idempotencyKey: string,
  allowPrivate: boolean,
  options: SendOptions = {},
): Promise<SendResult> {
  if (req.first !== undefined) {
    const before = await sendRequest(req.first, idempotencyKey, allowPrivate, options);
    if (!before.ok) return before;
  }
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { ok: false, error: "Invalid URL", permanent: true, status: null };
  }
  const invalid = badHeader(req.headers);
  if (invalid !== null) return { ok: false, error: invalid, permanent: true, status: null };
  let headers: Headers;
  try {
    headers = new Headers(req.headers);
  } catch (err) {
    return { ok: false, error: `Headers refused by the runtime: ${err instanceof Error ? err.message : String(err)}`, permanent: true, status: null };
  }
  if (!headers.has("Idempotency-Key")) headers.set("Idempotency-Key", idempotencyKey);
  const signal = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  let hop: Hop = { url, method: req.method, headers, body: req.method === "GET" ? undefined : req.body };
  try {
    // Redirects are followed by hand so that every hop passes the private-address rule and loses
    // its credentials when it leaves their origin (see redirects.ts).
    for (let n = 0; ; n++) {
      const stop = refused(hop.url, allowPrivate, options.isPrivate ?? isPrivateHost);
      if (stop !== null) return stop;
      const res = await fetch(hop.url, { method: hop.method, headers: hop.headers, body: hop.body, redirect: "manual", signal });
      await res.body?.cancel();
      const location = res.headers.get("Location");
      if (REDIRECT_STATUSES.has(res.status) && location !== null) {
        if (n >= MAX_REDIRECTS) return { ok: false, error: "Too many redirects", permanent: false, status: res.status };
        const next = nextHop(hop, res.status, location);
        if (next === null) return { ok: false, error: "Invalid URL", permanent: false, status: res.status };
        hop = next;
        continue;
      }
      if (OK.has(res.status)) return { ok: true, error: "", permanent: false, status: res.status };
      return { ok: false, error: `Received status code ${res.status}`, permanent: false, status: res.status };
    }
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { ok: false, error: timedOut ? "Connection timed out" : "Connection failed", permanent: false, status: null };
  }
}
