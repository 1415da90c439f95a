// Response shapes of the Management API. The OpenAPI document is generated from these, and the
// API tests parse real responses with them, so the document cannot drift from what is served.
import { z } from "zod";
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from "../alerts/delivery-log";

const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

export const checkObjectSchema = z
  .object({
    name: z.string(),
    slug: z.string(),
    tags: z.string(),
    desc: z.string(),
    grace: z.int(),
    n_pings: z.int(),
    status: z.enum(["new", "up", "grace", "down", "paused", "started"]),
    started: z.boolean(),
    last_ping: iso.nullable(),
    next_ping: iso.nullable(),
    manual_resume: z.boolean(),
    methods: z.enum(["", "POST"]),
    subject: z.string(),
    subject_fail: z.string(),
    start_kw: z.string(),
    success_kw: z.string(),
    failure_kw: z.string(),
    filter_subject: z.boolean(),
    filter_body: z.boolean(),
    filter_http_body: z.boolean(),
    filter_default_fail: z.boolean(),
    badge_url: z.url(),
    last_duration: z.int().optional(),
    unique_key: z.string().length(40).optional().describe("read-only keys only"),
    uuid: z.uuid().optional().describe("read-write keys only"),
    ping_url: z.url().optional(),
    email: z.string().optional().describe("when PING_EMAIL_DOMAIN is set"),
    update_url: z.url().optional(),
    pause_url: z.url().optional(),
    resume_url: z.url().optional(),
    channels: z.string().optional(),
    timeout: z.int().optional().describe("simple checks"),
    schedule: z.string().optional().describe("cron and OnCalendar checks"),
    tz: z.string().optional(),
  })
  .strict();

export const checkListSchema = z.object({ checks: z.array(checkObjectSchema) }).strict();

export const pingListSchema = z
  .object({
    pings: z.array(
      z
        .object({
          type: z.enum(["success", "start", "fail", "log", "ign"]),
          date: z.string(),
          n: z.int(),
          scheme: z.string(),
          remote_addr: z.string().nullable(),
          method: z.string(),
          ua: z.string(),
          rid: z.uuid().nullable(),
          duration: z.number().optional(),
          body_url: z.url().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export const flipListSchema = z
  .object({ flips: z.array(z.object({ timestamp: iso, up: z.union([z.literal(0), z.literal(1)]) }).strict()) })
  .strict();

export const channelListSchema = z
  .object({ channels: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.string() }).strict()) })
  .strict();

const badgeSet = z.object({ svg: z.url(), svg3: z.url(), json: z.url(), json3: z.url(), shields: z.url(), shields3: z.url() }).strict();
export const badgeListSchema = z.object({ badges: z.record(z.string(), badgeSet) }).strict();

export const errorSchema = z.object({ error: z.string() });

/** GET /channels/<id> (beyond Healthchecks): a channel with its secrets masked and its delivery state. */
export const channelDetailSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.string(),
    value: z.unknown().describe("the stored value, tokens, keys and secret URL parts shown as \"…\" plus their last 4 characters"),
    disabled: z.boolean(),
    email_verified: z.boolean(),
    last_error: z.string(),
    last_notify: iso.nullable(),
    last_notify_duration_ms: z.int().nullable(),
    last_result: z.enum(["sent", "failed", "retrying"]).nullable().describe("of the channel's newest delivery"),
    checks: z.array(z.uuid()).describe("uuids of the checks the channel is attached to"),
  })
  .strict();

export { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from "../alerts/delivery-log";

/** GET /channels/<id>/notifications/ and /checks/<uuid>/notifications/ (beyond Healthchecks). */
export const notificationListSchema = z
  .object({
    notifications: z.array(
      z
        .object({
          flip_id: z.uuid(),
          check: z.uuid().nullable().describe("null for a test notification"),
          channel: z.uuid(),
          kind_of_alert: z.enum(NOTIFICATION_KINDS),
          status: z.enum(NOTIFICATION_STATUSES),
          attempts: z.int(),
          error: z.string(),
          created: iso,
          updated: iso,
        })
        .strict(),
    ),
    next: z.string().nullable().describe("pass as ?before= for the next (older) page; null on the last page"),
  })
  .strict();
