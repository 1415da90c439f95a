import { z } from "zod";

export type Kind = "simple" | "cron" | "oncalendar";
export type StoredStatus = "new" | "up" | "down" | "paused";
export type Status = StoredStatus | "grace" | "started";
/** "reminder" only labels "still down" reminders; no flip row carries it. */
export type FlipReason = "" | "fail" | "timeout" | "reminder";
export type PingKind = "success" | "start" | "fail" | "log" | "ign";

export const DEFAULT_TIMEOUT = 86400;
export const DEFAULT_GRACE = 3600;
export const DEFAULT_PING_LOG_LIMIT = 100;

/**
 * Every Healthchecks check field the DO keeps, so that rendering an alert never needs a D1 read.
 * Length limits are Healthchecks' own; bounds of timeout/grace are checked by the API, not here.
 */
export const checkConfigSchema = z.object({
  id: z.uuid(),
  project_id: z.string().min(1).max(64),
  name: z.string().max(100).default(""),
  slug: z.string().max(100).regex(/^[a-z0-9_-]*$/).default(""),
  tags: z.string().max(500).default(""),
  desc: z.string().max(10_000).default(""),
  kind: z.enum(["simple", "cron", "oncalendar"]).default("simple"),
  timeout: z.int().min(1).max(31_536_000).default(DEFAULT_TIMEOUT),
  grace: z.int().min(1).max(31_536_000).default(DEFAULT_GRACE),
  schedule: z.string().max(100).default("* * * * *"),
  tz: z.string().max(36).default("UTC"),
  filter_subject: z.boolean().default(false),
  filter_body: z.boolean().default(false),
  filter_http_body: z.boolean().default(false),
  filter_default_fail: z.boolean().default(false),
  start_kw: z.string().max(200).default(""),
  success_kw: z.string().max(200).default(""),
  failure_kw: z.string().max(200).default(""),
  methods: z.enum(["", "POST"]).default(""),
  manual_resume: z.boolean().default(false),
  /** Comma-joined sorted channel ids, as the API shows them. */
  channels: z.string().default(""),
  unique_key: z.string().length(40),
  badge_key: z.string().min(1).max(64),
  ping_log_limit: z.int().min(1).max(10_000).default(DEFAULT_PING_LOG_LIMIT),
  created: z.int(),
  /** Catalog version: the DO ignores a configure older than what it has. */
  version: z.int().min(1),
  /** Origin of the request that configured the check, for absolute URLs when SITE_ROOT is unset. */
  origin: z.string().max(200).default(""),
});
export type CheckConfigInput = z.input<typeof checkConfigSchema>;
export type CheckConfig = z.output<typeof checkConfigSchema>;

/** The DO's mutable state; times in ms. */
export interface CheckState {
  status: StoredStatus;
  last_ping: number | null;
  last_start: number | null;
  last_start_rid: string | null;
  /** ms */
  last_duration: number | null;
  n_pings: number;
  has_confirmation_link: boolean;
}

export const initialState = (): CheckState => ({
  status: "new",
  last_ping: null,
  last_start: null,
  last_start_rid: null,
  last_duration: null,
  n_pings: 0,
  has_confirmation_link: false,
});

export interface FlipRecord {
  id: string;
  created: number;
  old_status: StoredStatus;
  new_status: StoredStatus;
  reason: FlipReason;
}

export interface PingRecord {
  n: number;
  created: number;
  kind: PingKind;
  scheme: string;
  remote_addr: string | null;
  method: string;
  ua: string;
  body_size: number;
  exitstatus: number | null;
  rid: string | null;
  /** ms, success/fail pings only, per Healthchecks' run-id matching. */
  duration: number | null;
}
