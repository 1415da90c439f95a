// The PBKDF2-SHA256 password hooks: versioned strings, verification, refusal of foreign strings.
import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../src/auth/password";

describe("password hashing", () => {
  it("writes pbkdf2-sha256$100000$<salt>$<hash> with a fresh salt each time", async () => {
    const a = await hashPassword("hunter22");
    const b = await hashPassword("hunter22");
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(await verifyPassword({ hash, password: "correct horse" })).toBe(true);
    expect(await verifyPassword({ hash, password: "correct horsf" })).toBe(false);
  });

  it("reads the iteration count from the string (a later cost change keeps old hashes valid)", async () => {
    const hash = await hashPassword("pw", 1000);
    expect(hash.split("$")[1]).toBe("1000");
    expect(await verifyPassword({ hash, password: "pw" })).toBe(true);
  });

  it("matches an independently computed PBKDF2 vector (RFC 7914 §11, 1 iteration, truncated to 32 bytes)", async () => {
    // PBKDF2-HMAC-SHA256(P="passwd", S="salt", c=1), first 32 bytes.
    const salt = btoa("salt");
    const expected = "VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw="; // 55ac046e56e3089f… as in the RFC
    expect(await verifyPassword({ hash: `pbkdf2-sha256$1$${salt}$${expected}`, password: "passwd" })).toBe(true);
  });

  it("refuses strings it did not write: other schemes, bad numbers, bad base64, too many iterations", async () => {
    const good = await hashPassword("pw", 10);
    const [, , salt, hash] = good.split("$");
    for (const h of ["", "scrypt$abc", `pbkdf2-sha256$x$${salt}$${hash}`, `pbkdf2-sha256$0$${salt}$${hash}`,
      `pbkdf2-sha256$10$!!$${hash}`, `pbkdf2-sha256$10$${salt}$AAAA`, `pbkdf2-sha256$100001$${salt}$${hash}`, `${good}$extra`]) {
      expect(await verifyPassword({ hash: h, password: "pw" })).toBe(false);
    }
  });
});
