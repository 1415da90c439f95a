// A short memory of check ids that do not exist, so a flood of pings to random uuids costs one
// Durable Object call and one D1 read per uuid per TTL instead of one each.
//
// An id is remembered only after pingCheck said "not_found", i.e. its object had no configuration
// AND D1 had no live row. Check ids are fresh random uuids, so a remembered id normally never
// comes to exist; still, the API's create forgets the new id in its own isolate, and in any other
// isolate (production runs many) a remembered id is answered 404 for at most TTL_MS after its
// check was created.
import { pingCheck } from "../checks/client";
import type { PingInput } from "../checks/model";

export const UNKNOWN_TTL_MS = 5_000;
/** Beyond this many ids the oldest are dropped: memory stays bounded under any flood. */
export const UNKNOWN_MAX = 10_000;

/** id → when the memory of it expires (ms). Map order is insertion order: oldest first. */
const unknown = new Map<string, number>();

export function isKnownUnknown(id: string, now = Date.now()): boolean {
  const until = unknown.get(id);
  if (until === undefined) return false;
  if (until > now) return true;
  unknown.delete(id);
  return false;
}

export function rememberUnknown(id: string, now = Date.now()): void {
  unknown.delete(id); // re-inserted at the end: the newest
  unknown.set(id, now + UNKNOWN_TTL_MS);
  while (unknown.size > UNKNOWN_MAX) unknown.delete(unknown.keys().next().value!);
}

export function forgetUnknown(id: string): void {
  unknown.delete(id);
}

/** How many ids are remembered (tests). */
export function unknownCount(): number {
  return unknown.size;
}

/** pingCheck, answered "not_found" from memory for an id that was not found moments ago. */
export async function pingKnownCheck(
  env: Env,
  id: string,
  input: PingInput,
  origin: string,
): ReturnType<typeof pingCheck> {
  if (isKnownUnknown(id)) return "not_found";
  const result = await pingCheck(env, id, input, origin);
  if (result === "not_found") rememberUnknown(id);
  return result;
}

/** Whether a live check has this id (D1), remembering the answer "no" as pingKnownCheck does. */
export async function checkExists(env: Env, id: string): Promise<boolean> {
  if (isKnownUnknown(id)) return false;
  const row = await env.DB.prepare("SELECT 1 FROM checks WHERE id = ? AND deleted_at IS NULL").bind(id).first();
  if (row === null) rememberUnknown(id);
  return row !== null;
}
