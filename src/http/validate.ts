import type { z } from "zod";
import { HttpError } from "./errors";

/** Parses a request body with its zod schema; the first issue becomes a 400 `{"error": ...}`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "json validation error: value is not an object");
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    // Every schema's messages name their field, as Healthchecks' do.
    throw new HttpError(400, `json validation error: ${result.error.issues[0]?.message ?? "invalid"}`);
  }
  return result.data;
}
