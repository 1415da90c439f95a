import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { BodyTooLarge, readLimitedBody } from "./body";

/** Thrown anywhere in an API handler; rendered as `{"error": message}` with its status (and `headers`, e.g. Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof HttpError) return c.json({ error: err.message }, err.status, err.headers);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
}

/**
 * Parses a JSON body of at most `maxBytes`, refusing a larger one before reading it whole — also when
 * it is streamed without a Content-Length.
 */
export async function readJson(req: Request, maxBytes = 1_048_576): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readLimitedBody(req, maxBytes, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new HttpError(413, "request body too large");
    throw err;
  }
  try {
    // fatal: bytes that are not UTF-8 are refused, not stored as U+FFFD (Healthchecks answers 400 too).
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.trim() === "") return {};
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "could not parse request body");
  }
}
