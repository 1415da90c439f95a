// Changing a stored check, for the Management API and the dashboard alike: a validated spec (and
// optionally its channels) goes to the catalog row in one versioned batch, then to the check's
// object. The answer comes only after the object applied it; if it could not, the catalog is put
// back (under a newer version, so the sweeper re-applies the old values should the object have taken
// the new ones after all) and the caller gets 503 with nothing changed.
import { and, eq, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { reconfigure } from "../checks/client";
import { channelIdsOf, type CheckRow } from "../checks/repository";
import { checkChannels, checks } from "../db/schema";
import { HttpError } from "../http/errors";
import { applySpec } from "./apply-spec";
import type { CheckSpec } from "./check-spec";

/** How a check's channels change: a whole new list, or one channel switched on or off. */
export type ChannelChange = { set: string[] } | { add: string } | { remove: string };

export async function updateCheck(
  env: Env,
  row: CheckRow,
  spec: CheckSpec,
  o: { apiVersion: 1 | 2 | 3; origin: string; channels?: ChannelChange },
): Promise<CheckRow> {
  const changes = applySpec(row, spec, o.apiVersion);
  const previousChannels = o.channels === undefined ? undefined : await channelIdsOf(env, row.id);
  const next = await writeCheck(env, row.id, changes, o.channels);
  if (next === undefined) throw new HttpError(404, "not found");
  try {
    // One channel switched: the list is read back, so concurrent switches of other channels all count.
    await reconfigure(env, next, o.origin, o.channels !== undefined && "set" in o.channels ? o.channels.set : undefined);
  } catch (err) {
    console.error(`check ${row.id}: its object did not apply version ${next.version}; undoing the update`, err);
    const undo = Object.fromEntries(Object.keys(changes).map((k) => [k, row[k as keyof CheckRow]])) as Partial<CheckRow>;
    const channelsUndo = previousChannels === undefined ? undefined : { set: previousChannels };
    await writeCheck(env, row.id, undo, channelsUndo).catch((e: unknown) => console.error(`check ${row.id}: undo failed`, e));
    throw new HttpError(503, "the check's state is unavailable right now; nothing was changed, try again");
  }
  return next;
}

/** One batch: the catalog fields (version bumped, so the object applies updates in order) and the channels. */
async function writeCheck(env: Env, id: string, changes: Partial<CheckRow>, channels: ChannelChange | undefined) {
  const db = drizzle(env.DB);
  const channelStatements =
    channels === undefined
      ? []
      : "set" in channels
        ? [
            db.delete(checkChannels).where(eq(checkChannels.check_id, id)),
            ...channels.set.map((channel_id) => db.insert(checkChannels).values({ check_id: id, channel_id })),
          ]
        : "add" in channels
          ? [db.insert(checkChannels).values({ check_id: id, channel_id: channels.add }).onConflictDoNothing()]
          : [db.delete(checkChannels).where(and(eq(checkChannels.check_id, id), eq(checkChannels.channel_id, channels.remove)))];
  const [rows] = await db.batch([
    db
      .update(checks)
      .set({ ...changes, version: sql`${checks.version} + 1` })
      .where(and(eq(checks.id, id), isNull(checks.deleted_at)))
      .returning(),
    ...channelStatements,
  ]);
  return rows[0];
}
