// Who sent a ping: address, scheme, method and user agent as Healthchecks records them.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

export function isIp(s: string): boolean {
  return IPV4.test(s) || isIPv6(s);
}

/**
 * CF-Connecting-IP when present (Cloudflare sets it), else the first X-Forwarded-For entry with
 * Healthchecks' `a.b.c.d:port` fix-up. Not an IP address → null (Healthchecks would fail with a 500).
 */
export function remoteAddress(headers: Headers): string | null {
  const cf = headers.get("CF-Connecting-IP");
  if (cf !== null && isIp(cf)) return cf;
  const xff = headers.get("X-Forwarded-For");
  if (xff === null) return null;
  let first = xff.split(",")[0] ?? "";
  if (!isIp(first)) {
    const parts = first.split(".");
    if (parts.length === 4 && parts[3]!.includes(":")) first = first.slice(0, first.lastIndexOf(":"));
  }
  return isIp(first) ? first : null;
}

export function pingScheme(headers: Headers, url: URL): string {
  const forwarded = headers.get("X-Forwarded-Proto");
  return (forwarded ?? url.protocol.replace(/:$/, "")).slice(0, 10);
}

export const userAgent = (headers: Headers): string => (headers.get("User-Agent") ?? "").slice(0, 200);
