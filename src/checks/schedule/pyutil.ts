// Python str whitespace semantics (str.split() / str.strip() with no argument),
// which both schedule libraries and Healthchecks' guess_kind rely on.

const WS_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WS_RUN = new RegExp(`[${WS_CLASS}]+`, "g");
const WS_LEAD = new RegExp(`^[${WS_CLASS}]+`);
const WS_TRAIL = new RegExp(`[${WS_CLASS}]+$`);
const WS_ONE = new RegExp(`[${WS_CLASS}]`);

/** Python `s.split()`. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === "" ? [] : t.split(WS_RUN);
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(WS_LEAD, "").replace(WS_TRAIL, "");
}

export function pyIsSpace(ch: string): boolean {
  return WS_ONE.test(ch);
}

/** Python `s.rsplit(maxsplit=1)` for an already stripped string with at least one whitespace. */
export function pyRsplitOnce(s: string): [string, string] | null {
  let end = s.length;
  // s is stripped, so it ends with a non-space; find the last whitespace run.
  let i = end - 1;
  while (i >= 0 && !pyIsSpace(s[i]!)) i--;
  if (i < 0) return null;
  const tail = s.slice(i + 1);
  while (i >= 0 && pyIsSpace(s[i]!)) i--;
  end = i + 1;
  return [s.slice(0, end), tail];
}

/** Only ASCII digits, at least one. */
export function isAsciiDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** Number of Unicode code points (Python len()). */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
