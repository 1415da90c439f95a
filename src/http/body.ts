// Reads at most `keep` bytes of a request body into memory and drains the rest without storing it
// (ping bodies, API JSON bodies).

export class BodyTooLarge extends Error {}

/**
 * Healthchecks refuses bodies over Django's 2.5 MiB DATA_UPLOAD_MAX_MEMORY_SIZE (or the body limit,
 * if larger). Draining instead of cancelling lets the client finish sending and read our answer.
 */
export async function readLimitedBody(req: Request, keep: number, hardCap: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("Content-Length") ?? "0");
  if (declared > hardCap) throw new BodyTooLarge();
  if (req.body === null) return new Uint8Array(0);
  const kept = new Uint8Array(Math.min(keep, declared > 0 ? declared : keep));
  let keptLen = 0;
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > hardCap) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    if (keptLen < kept.byteLength) {
      const take = Math.min(value.byteLength, kept.byteLength - keptLen);
      kept.set(value.subarray(0, take), keptLen);
      keptLen += take;
    }
  }
  return kept.subarray(0, keptLen);
}
