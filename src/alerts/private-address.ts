// The "Connections to private IP addresses are not allowed" rule, judged on the
// host as written in the URL.
//
// Healthchecks checks the address curl actually connects to, after DNS resolution. A Worker cannot
// do that: fetch() resolves names itself and never reports the address it connected to, and
// Workers have no DNS API to resolve a name beforehand. So here:
// - IP literals (any spelling the URL parser accepts: "127.1", "0x7f000001", "[::ffff:7f00:1]", …)
//   are judged by their address, after the URL parser has normalised them as fetch() will; IPv6
//   forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) by that address;
// - names are judged by the literal only: "localhost" and "*.localhost" (which always mean the
//   loopback) are private, every other name is allowed, even one whose DNS records point at a
//   private or loopback address (e.g. "127.0.0.1.nip.io"). On Cloudflare's network such a request
//   cannot reach a private network anyway; under a local runtime (wrangler dev, workerd) it can,
//   so self-hosters who need a hard guarantee must filter at the network level.
// http.ts follows redirects by hand, so every redirect target is judged by this rule too.

/** Private, loopback, link-local, shared (CGNAT), benchmarking, multicast and reserved IPv4 ranges. */
const V4_PRIVATE: [base: number, bits: number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10.0.0.0/8
  [0x64400000, 10], // 100.64.0.0/10 shared address space (CGNAT)
  [0x7f000000, 8], // 127.0.0.0/8 loopback
  [0xa9fe0000, 16], // 169.254.0.0/16 link-local
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0000000, 24], // 192.0.0.0/24 IETF protocol assignments (NAT64 discovery, DS-Lite, …)
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xc6120000, 15], // 198.18.0.0/15 benchmarking
  [0xe0000000, 3], // 224.0.0.0/4 multicast + 240.0.0.0/4 reserved + broadcast: 224.0.0.0 and above
];

function v4Private(addr: number): boolean {
  return V4_PRIVATE.some(([base, bits]) => (addr >>> (32 - bits)) === (base >>> (32 - bits)));
}

/** A dotted-quad IPv4 address as a 32-bit number, or null. */
function parseV4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((a, o) => a * 256 + o, 0);
}

/** An IPv6 address (optionally ending in a dotted quad) as eight 16-bit groups, or null. */
function parseV6(s: string): number[] | null {
  let text = s.replace(/%.*$/, ""); // zone id
  const tail: number[] = [];
  const quad = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (quad) {
    const v4 = parseV4(quad[2]!);
    if (v4 === null) return null;
    tail.push(v4 >>> 16, v4 & 0xffff);
    text = quad[1]!.endsWith("::") ? quad[1]! : quad[1]!.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = new Array<number>(8 - known).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

/**
 * The IPv4 address an IPv6 address carries and that a host on the path may connect to in its place,
 * or null: IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16 (bits 16-47) and Teredo 2001::/32 (client, bit-inverted).
 */
function embeddedV4(g: number[]): number | null {
  const low = g[6]! * 0x10000 + g[7]!;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return low;
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return low;
  if (zero(0, 6)) return low;
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return low;
  if (g[0] === 0x2002) return g[1]! * 0x10000 + g[2]!;
  if (g[0] === 0x2001 && g[1] === 0) return (low ^ 0xffffffff) >>> 0;
  return null;
}

function v6Private(g: number[]): boolean {
  const first = g[0]!;
  if (g.slice(0, 7).every((x) => x === 0) && g[7]! <= 1) return true; // :: and ::1
  if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated, still routed by some stacks)
  if ((first & 0xff00) === 0xff00) return true; // ff00::/8 multicast (like 224.0.0.0/4)
  if (first === 0x64 && g[1] === 0xff9b && g[2] === 1) return true; // 64:ff9b:1::/48 local-use NAT64
  const v4 = embeddedV4(g);
  return v4 !== null && v4Private(v4);
}

/** Canonical hostname as the URL parser spells it ("127.1" → "127.0.0.1"), or the input lowercased. */
function canonical(hostname: string): string {
  try {
    return new URL(`http://${hostname}/`).hostname;
  } catch {
    return hostname.toLowerCase();
  }
}

/**
 * Whether a URL's hostname (as `URL.hostname` gives it; IPv6 in brackets or bare) names a private,
 * loopback or otherwise non-public address. Names other than localhost are never private here (see
 * the file comment). An empty host or a malformed bracketed IPv6 literal counts as private (refused).
 */
export function isPrivateHost(hostname: string): boolean {
  let host = hostname.trim();
  if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
  host = canonical(host).replace(/\.$/, "");
  if (host === "") return true;
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseV6(host.slice(1, -1));
    return groups === null || v6Private(groups);
  }
  const v4 = parseV4(host);
  if (v4 !== null) return v4Private(v4);
  return host === "localhost" || host.endsWith(".localhost");
}
