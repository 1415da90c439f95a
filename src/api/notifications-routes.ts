// The delivery log (beyond Healthchecks' API): what happened to each alert per channel, newest first,
// for one channel or one check. Read-write keys only, like channels and pings.
import { Hono } from "hono";
import { z } from "zod";
import { presentDelivery, readDeliveries, type DeliveryCursor, type DeliveryRow } from "../alerts/delivery-log";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";
import { cors, requireWrite, type ApiEnv } from "./auth";
import { ownChannel, type C } from "./shared";

const querySchema = z.object({
  limit: z.coerce
    .number({ error: "limit must be between 1 and 100" })
    .int("limit must be between 1 and 100")
    .min(1, "limit must be between 1 and 100")
    .max(100, "limit must be between 1 and 100")
    .default(50),
  before: z.string().optional(),
});

/**
 * The cursor is the last row's sort key (created, flip, channel): unique per row and fixed once
 * written, so pages neither repeat nor skip rows when newer ones arrive meanwhile.
 */
const encodeCursor = (r: DeliveryRow) => btoa(`${r.created}.${r.flip_id}.${r.channel_id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function decodeCursor(s: string): DeliveryCursor {
  let parts: string[] = [];
  try {
    parts = atob(s.replace(/-/g, "+").replace(/_/g, "/")).split(".");
  } catch {
    // reported below
  }
  const [created, flipId, channelId] = parts;
  if (parts.length !== 3 || !/^\d{1,16}$/.test(created!) || !UUID_RE.test(flipId!) || !UUID_RE.test(channelId!)) {
    throw new HttpError(400, "before is not a valid cursor");
  }
  return [Number(created), flipId!, channelId!];
}

/** One page of the project's notifications matching `where` (a column of `notifications` = value). */
async function page(c: C, where: { column: "channel_id" | "check_id"; value: string }) {
  const query = querySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? "invalid query");
  const { limit, before } = query.data;
  const cursor = before === undefined ? null : decodeCursor(before);
  const results = await readDeliveries(c.env.DB, c.get("projectId"), where, { cursor, limit: limit + 1 });
  const rows = results.slice(0, limit);
  return c.json({
    notifications: rows.map(presentDelivery),
    next: results.length > limit ? encodeCursor(rows.at(-1)!) : null,
  });
}

export const notificationsApi = new Hono<ApiEnv>();

notificationsApi.use("/channels/:id/notifications/", cors("GET"));
notificationsApi.get("/channels/:id/notifications/", requireWrite, async (c) => {
  const channel = await ownChannel(c);
  return page(c, { column: "channel_id", value: channel.id });
});

notificationsApi.use("/checks/:uuid/notifications/", cors("GET"));
notificationsApi.get("/checks/:uuid/notifications/", requireWrite, async (c) => {
  // Another project's check is 404 here (not the 403 of Healthchecks' check routes): nothing about it shows.
  const id = c.req.param("uuid");
  const check = UUID_RE.test(id)
    ? await c.env.DB.prepare("SELECT id FROM checks WHERE id = ? AND project_id = ? AND deleted_at IS NULL")
        .bind(id, c.get("projectId"))
        .first<{ id: string }>()
    : null;
  if (check === null) throw new HttpError(404, "not found");
  return page(c, { column: "check_id", value: check.id });
});
