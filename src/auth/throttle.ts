// Sign-in throttling per email, on top of better-auth's per-address limit: an attacker rotating
// addresses still gets SIGN_IN_PER_EMAIL tries a minute per account. The counter is a row in the
// library's own rate_limit table (key "sign-in-email:<sha256 of the address>"), updated atomically.
import { sha256Hex } from "../crypto";

export const SIGN_IN_PER_EMAIL = 5;
export const SIGN_IN_WINDOW_MS = 60_000;

/** Counts one attempt; true if it is within the limit. Every attempt counts, right or wrong. */
export async function allowSignInAttempt(env: Env, email: string, now = Date.now()): Promise<boolean> {
  const key = `sign-in-email:${await sha256Hex(email.trim().toLowerCase())}`;
  const row = await env.DB.prepare(
    `INSERT INTO rate_limit (id, key, count, last_request) VALUES (?1, ?2, 1, ?3)
     ON CONFLICT(key) DO UPDATE SET
       count = CASE WHEN last_request <= ?3 - ?4 THEN 1 ELSE count + 1 END,
       last_request = CASE WHEN last_request <= ?3 - ?4 THEN ?3 ELSE last_request END
     RETURNING count`,
  )
    .bind(crypto.randomUUID(), key, now, SIGN_IN_WINDOW_MS)
    .first<{ count: number }>();
  return (row?.count ?? 1) <= SIGN_IN_PER_EMAIL;
}
