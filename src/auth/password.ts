// Password hashing for better-auth's emailAndPassword.password hooks: PBKDF2-SHA256 from WebCrypto.
// The library's default (scrypt in JavaScript) costs far more CPU than a Workers request may spend
// (measured in docs/operations.md); PBKDF2 runs natively in workerd, whose cap is 100,000 iterations.
// Stored as "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" so the cost can change later:
// verify reads the iterations from the string.
import { base64 } from "../crypto";

export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const PREFIX = "pbkdf2-sha256";

function unb64(s: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return `${PREFIX}$${iterations}$${base64(salt)}$${base64(await derive(password, salt, iterations))}`;
}

/** False for a wrong password and for any string this module did not write. */
export async function verifyPassword({ hash, password }: { hash: string; password: string }): Promise<boolean> {
  const parts = hash.split("$");
  if (parts.length !== 4 || parts[0] !== PREFIX) return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  const salt = unb64(parts[2]!);
  const expected = unb64(parts[3]!);
  if (salt === null || expected === null || expected.length * 8 !== HASH_BITS) return false;
  // workerd's constant-time comparison (lengths are equal: both are HASH_BITS long).
  return crypto.subtle.timingSafeEqual(await derive(password, salt, iterations), expected);
}
