// Key generation, hashing and constant-time comparison (keys are never stored in plaintext).
import { hmac, sha256Hex, toHex } from "../crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const encoder = new TextEncoder();

/** Uniformly random string over `alphabet` (rejection sampling, no modulo bias). */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** Healthchecks' format: "hcw_" (read-write) or "hcr_" (read-only) + 28 alphanumerics. */
export const newApiKey = (prefix: "hcw_" | "hcr_"): string => prefix + randomString(ALNUM, 28);

/** 22 chars of [a-z0-9], like Healthchecks' ping keys. */
export const newPingKey = (): string => randomString(LOWER_ALNUM, 22);


/** Stored form of an API key: "<first 8 chars>.<hex HMAC-SHA256(SECRET_KEY, key)>" (Healthchecks' format). */
export async function hashApiKey(key: string, secret: string): Promise<string> {
  return `${key.slice(0, 8)}.${toHex(await hmac("SHA-256", secret, key))}`;
}

/** Constant-time string equality (the length difference is the only thing that leaks). */
export function safeEqual(a: string, b: string): boolean {
  const ab = encoder.encode(a);
  const bb = encoder.encode(b);
  if (ab.byteLength !== bb.byteLength) {
    crypto.subtle.timingSafeEqual(ab, ab);
    return false;
  }
  return crypto.subtle.timingSafeEqual(ab, bb);
}

/** Compares a presented secret with an expected one without leaking either's length or content. */
export async function secretMatches(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Hex(presented), sha256Hex(expected)]);
  return safeEqual(a, b);
}

export interface KeyOwner {
  projectId: string;
  readonly: boolean;
}

/**
 * Finds the project an API key belongs to. The stored prefix narrows the candidates through an
 * index (a range on "<prefix>."), then each digest is compared in constant time.
 */
export async function projectForApiKey(db: D1Database, key: string, secret: string): Promise<KeyOwner | null> {
  if (key.length !== 32) return null;
  const stored = await hashApiKey(key, secret);
  const prefix = `${key.slice(0, 8)}.`;
  const upper = `${key.slice(0, 8)}/`;
  const { results } = await db
    .prepare(
      `SELECT id, api_key AS k, 0 AS ro FROM projects WHERE api_key >= ?1 AND api_key < ?2 AND deleted_at IS NULL
       UNION ALL
       SELECT id, api_key_readonly AS k, 1 AS ro FROM projects WHERE api_key_readonly >= ?1 AND api_key_readonly < ?2 AND deleted_at IS NULL`,
    )
    .bind(prefix, upper)
    .all<{ id: string; k: string; ro: number }>();
  let found: KeyOwner | null = null;
  for (const row of results) {
    if (safeEqual(row.k, stored) && found === null) found = { projectId: row.id, readonly: row.ro === 1 || key.startsWith("hcr_") };
  }
  return found;
}
