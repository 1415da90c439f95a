import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Thrown anywhere in an API handler; rendered as `{"error": message}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof HttpError) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
}

/** Parses a JSON body of at most `maxBytes`, refusing larger ones before reading them whole. */
export async function readJson(req: Request, maxBytes = 1_048_576): Promise<unknown> {
  const declared = Number(req.headers.get("Content-Length") ?? "0");
  if (declared > maxBytes) throw new HttpError(413, "request body too large");
  const text = await req.text();
  if (text.length > maxBytes) throw new HttpError(413, "request body too large");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "could not parse request body");
  }
}
