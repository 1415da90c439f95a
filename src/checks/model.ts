import { z } from "zod";
import { sha1Hex } from "../crypto";

export type Kind = "simple" | "cron" | "oncalendar";
export type StoredStatus = "new" | "up" | "down" | "paused";
export type Status = StoredStatus | "grace" | "started";
/**
 * Why an alert was sent. "reminder" ("still down"), "flapping" (alerts held from now on) and "flap_end"
 * (stable again; the current status) label alerts that no flip row carries.
 */
export type FlipReason = "" | "fail" | "timeout" | "reminder" | "flapping" | "flap_end";
export type PingKind = "success" | "start" | "fail" | "log" | "ign";
/** What a ping URL asks for, before filters. */
export type UrlAction = "success" | "start" | "fail" | "log";

/** Healthchecks' tags_list: split on spaces, surrounding whitespace trimmed, empty ones dropped. */
export const tagList = (tags: string): string[] =>
  tags
    .split(" ")
    .map((t) => t.trim())
    .filter((t) => t !== "");

/** Healthchecks' unique_key: sha1 of the first 16 hex digits of the uuid. */
export const uniqueKeyFor = (id: string): Promise<string> => sha1Hex(id.replaceAll("-", "").slice(0, 16));

/** Healthchecks' defaults of a new check: the catalog row, the D1 columns and the object's config use these. */
export const CHECK_DEFAULTS = {
  name: "",
  slug: "",
  tags: "",
  desc: "",
  kind: "simple" as Kind,
  timeout: 86400,
  grace: 3600,
  schedule: "* * * * *",
  tz: "UTC",
  filter_subject: false,
  filter_body: false,
  filter_http_body: false,
  filter_default_fail: false,
  start_kw: "",
  success_kw: "",
  failure_kw: "",
  methods: "" as "" | "POST",
  manual_resume: false,
};
export const DEFAULT_PING_LOG_LIMIT = 100;

/**
 * Every Healthchecks check field the DO keeps, so that rendering an alert never needs a D1 read.
 * Length limits are Healthchecks' own; bounds of timeout/grace are checked by the API, not here.
 */
export const checkConfigSchema = z.object({
  id: z.uuid(),
  project_id: z.string().min(1).max(64),
  name: z.string().max(100).default(CHECK_DEFAULTS.name),
  slug: z.string().max(100).regex(/^[a-z0-9_-]*$/).default(CHECK_DEFAULTS.slug),
  tags: z.string().max(500).default(CHECK_DEFAULTS.tags),
  desc: z.string().max(10_000).default(CHECK_DEFAULTS.desc),
  kind: z.enum(["simple", "cron", "oncalendar"]).default(CHECK_DEFAULTS.kind),
  timeout: z.int().min(1).max(31_536_000).default(CHECK_DEFAULTS.timeout),
  grace: z.int().min(1).max(31_536_000).default(CHECK_DEFAULTS.grace),
  schedule: z.string().max(100).default(CHECK_DEFAULTS.schedule),
  tz: z.string().max(36).default(CHECK_DEFAULTS.tz),
  filter_subject: z.boolean().default(CHECK_DEFAULTS.filter_subject),
  filter_body: z.boolean().default(CHECK_DEFAULTS.filter_body),
  filter_http_body: z.boolean().default(CHECK_DEFAULTS.filter_http_body),
  filter_default_fail: z.boolean().default(CHECK_DEFAULTS.filter_default_fail),
  start_kw: z.string().max(200).default(CHECK_DEFAULTS.start_kw),
  success_kw: z.string().max(200).default(CHECK_DEFAULTS.success_kw),
  failure_kw: z.string().max(200).default(CHECK_DEFAULTS.failure_kw),
  methods: z.enum(["", "POST"]).default(CHECK_DEFAULTS.methods),
  manual_resume: z.boolean().default(CHECK_DEFAULTS.manual_resume),
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
  /** The body's first bytes as text, when asked for (an incomplete last character is left out). */
  body_preview?: string;
}

export interface PingInput {
  action: UrlAction;
  exitStatus: number | null;
  /** The raw `rid` query value; null when absent. */
  rid: string | null;
  method: string;
  scheme: string;
  remoteAddr: string | null;
  ua: string;
  body: Uint8Array;
  /** Email pings: subject and text (plain part plus text of the HTML part) for the email filters. */
  email?: { subject: string; text: string };
  /** PING_RATE_LIMIT as the Worker read it: pings per 10 s beyond which pings are dropped. */
  rateLimit: number;
}

/** "unconfigured": the object has no check yet (the Worker configures it from the catalog row). */
export type PingResult = "ok" | "not_found" | "unconfigured" | "bad_exit" | "bad_rid" | "rate_limited";

/** What an alert shows, fixed when it is created: written to the outbox and to D1 `alert_flips`. */
export interface CheckSnapshot {
  check: Record<string, unknown>;
  check_id: string;
  project_id: string;
  flip_id: string;
  flip_time: number;
  /** The alert's place among its check's alerts: per (check, channel) alerts go out in this order. */
  seq: number;
  old_status: StoredStatus;
  new_status: StoredStatus;
  reason: FlipReason;
  /** ms the check was down, for recovery alerts and reminders. */
  down_duration: number | null;
  last_ping_body: string | null;
  last_ping_exitstatus: number | null;
  last_ping_kind: PingKind | null;
  /** "email" for an email ping (its raw message is the body). */
  last_ping_scheme?: string | null;
  /** Flapping notices and their end: since when, and how many alerts were held. */
  flap?: { since: number; held: number };
}

export interface CheckView {
  config: CheckConfig;
  state: CheckState;
  status: Status;
  grace_start: number | null;
  alert_after: number | null;
}
