// The encodings and digests every part of edgechecks uses (WebCrypto underneath): hex, base64,
// SHA-1/SHA-256 and HMAC. One copy, so a fix or a format change happens once.

const encoder = new TextEncoder();
const bytesOf = (data: string | ArrayBuffer | Uint8Array): Uint8Array =>
  typeof data === "string" ? encoder.encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);

export const toHex = (data: ArrayBuffer | Uint8Array): string => Array.from(bytesOf(data), (b) => b.toString(16).padStart(2, "0")).join("");

/** Standard base64 of bytes, or of a string's UTF-8 bytes (btoa alone only takes Latin-1). */
export function base64(data: string | ArrayBuffer | Uint8Array): string {
  let bin = "";
  for (const b of bytesOf(data)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The bytes of standard base64 (the caller has checked the alphabet). */
export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** URL-safe base64 without padding. */
export const base64Url = (data: string | ArrayBuffer | Uint8Array): string =>
  base64(data).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

export const sha256Hex = async (text: string): Promise<string> => toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
export const sha1Hex = async (text: string): Promise<string> => toHex(await crypto.subtle.digest("SHA-1", encoder.encode(text)));
export const sha1 = (text: string): Promise<ArrayBuffer> => crypto.subtle.digest("SHA-1", encoder.encode(text));

/** HMAC of `message` under a raw key (a string's UTF-8 bytes, or bytes). */
export async function hmac(hash: "SHA-1" | "SHA-256", key: string | ArrayBuffer, message: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey("raw", bytesOf(key), { name: "HMAC", hash }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", k, encoder.encode(message));
}

/** `n` random bytes as hex. */
export const randomHex = (n: number): string => toHex(crypto.getRandomValues(new Uint8Array(n)));
