// The delivery log (beyond Healthchecks' API): what happened to each alert per channel, newest first,
// for one channel or one check. Read-write keys only, like channels and pings.
import { Hono } from "hono";
import { z } from "zod";
import { isoString } from "../checks/render";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";
import { cors, requireWrite, type ApiEnv } from "./auth";
import type { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from "./response-schemas";
import { ownChannel, type C } from "./shared";

interface Row {
  flip_id: string;
  check_id: string;
  channel_id: string;
  status: string;
  error: string;
  attempts: number;
  created: number;
  updated: number;
  /** From alert_flips; null for a test notification, which has no alert row. */
  new_status: string | null;
  reason: string | null;
}

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
type Cursor = [created: number, flipId: string, channelId: string];

const encodeCursor = (r: Row) => btoa(`${r.created}.${r.flip_id}.${r.channel_id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function decodeCursor(s: string): Cursor {
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

function kindOf(r: Row): (typeof NOTIFICATION_KINDS)[number] {
  if (r.new_status === null) return "test";
  if (r.reason === "reminder" || r.reason === "flapping" || r.reason === "flap_end") return r.reason;
  return r.new_status === "up" ? "up" : "down";
}

function statusOf(r: Row): (typeof NOTIFICATION_STATUSES)[number] {
  if (r.status === "sent" || r.status === "superseded") return r.status;
  if (r.status === "failed") return r.error.startsWith("gave up") ? "gave up" : "failed";
  return "retrying"; // retry, or sending under a lease
}

/** One page of the project's notifications matching `where` (a column of `notifications` = value). */
async function page(c: C, where: { column: "channel_id" | "check_id"; value: string }) {
  const query = querySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? "invalid query");
  const { limit, before } = query.data;
  const cursor = before === undefined ? null : decodeCursor(before);
  // Tenancy rests on the notifications row's own project, whatever the lookup before found.
  const { results } = await c.env.DB.prepare(
    `SELECT n.flip_id, n.check_id, n.channel_id, n.status, n.error, n.attempts, n.created, n.updated, f.new_status, f.reason
     FROM notifications n LEFT JOIN alert_flips f ON f.id = n.flip_id
     WHERE n.project_id = ?1 AND n.${where.column} = ?2
       AND (?3 IS NULL OR (n.created, n.flip_id, n.channel_id) < (?3, ?4, ?5))
     ORDER BY n.created DESC, n.flip_id DESC, n.channel_id DESC
     LIMIT ?6`,
  )
    .bind(c.get("projectId"), where.value, cursor?.[0] ?? null, cursor?.[1] ?? null, cursor?.[2] ?? null, limit + 1)
    .all<Row>();
  const rows = results.slice(0, limit);
  return c.json({
    notifications: rows.map((r) => {
      const kind = kindOf(r);
      return {
        flip_id: r.flip_id,
        check: kind === "test" ? null : r.check_id,
        channel: r.channel_id,
        kind_of_alert: kind,
        status: statusOf(r),
        attempts: r.attempts,
        error: r.error,
        created: isoString(r.created),
        updated: isoString(r.updated),
      };
    }),
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
