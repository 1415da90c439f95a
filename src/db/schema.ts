import { sql } from "drizzle-orm";
import { CHECK_DEFAULTS } from "../checks/model";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are integer milliseconds since the epoch throughout.

// The first hand-made account tables, read by nothing now. Kept for one release, so the previous Worker can
// run beside this one during a gradual deployment (migrations are additive); dropped in the next.
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  created: integer("created").notNull(),
}, (t) => [uniqueIndex("users_email").on(t.email)]);

export const sessions = sqliteTable("sessions", {
  token_hash: text("token_hash").primaryKey(),
  user_id: text("user_id").notNull(),
  created: integer("created").notNull(),
  expires_at: integer("expires_at").notNull(),
}, (t) => [index("sessions_expires").on(t.expires_at)]);

// Accounts, sessions, projects' organizations and memberships are better-auth's tables, generated
// into auth-schema.ts (see docs/architecture.md, "Accounts").

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  // The owning user (better-auth's user.id), also the project's "owner" member row; null for projects
  // made through the admin API and not yet given an owner.
  owner_id: text("owner_id"),
  // "<first 8 chars>.<hex HMAC-SHA256(SECRET_KEY, key)>", Healthchecks' storage format.
  api_key: text("api_key").notNull().default(""),
  api_key_readonly: text("api_key_readonly").notNull().default(""),
  // hex SHA-256 of the 22-char ping key.
  ping_key_hash: text("ping_key_hash"),
  badge_key: text("badge_key").notNull(),
  ping_log_limit: integer("ping_log_limit").notNull().default(100),
  nag_period: integer("nag_period").notNull().default(0),
  created: integer("created").notNull(),
  deleted_at: integer("deleted_at"),
  // A pending ownership transfer (Healthchecks' "transfer request"): the member asked to take over,
  // and when the owner asked; cleared when accepted, cancelled, or the member leaves.
  transfer_to: text("transfer_to"),
  transfer_requested_at: integer("transfer_requested_at"),
  // The checks list shows slug ping URLs rather than uuid ones (Healthchecks' project.show_slugs).
  show_slugs: integer("show_slugs", { mode: "boolean" }).notNull().default(false),
  // Until when a dashboard of the project may be open (its object keeps this ahead while sockets are
  // connected): check objects tell the project's object about changes only before then.
  live_until: integer("live_until"),
}, (t) => [
  index("projects_api_key").on(t.api_key),
  index("projects_api_key_readonly").on(t.api_key_readonly),
  uniqueIndex("projects_ping_key_hash").on(t.ping_key_hash),
  uniqueIndex("projects_badge_key").on(t.badge_key),
]);

/** The check catalog plus the status summary mirrored out of each CheckDO (invariant 5 in docs/architecture.md). */
export const checks = sqliteTable("checks", {
  id: text("id").primaryKey(),
  project_id: text("project_id").notNull(),
  name: text("name").notNull().default(CHECK_DEFAULTS.name),
  slug: text("slug").notNull().default(CHECK_DEFAULTS.slug),
  tags: text("tags").notNull().default(CHECK_DEFAULTS.tags),
  desc: text("desc").notNull().default(CHECK_DEFAULTS.desc),
  kind: text("kind", { enum: ["simple", "cron", "oncalendar"] }).notNull().default(CHECK_DEFAULTS.kind),
  timeout: integer("timeout").notNull().default(CHECK_DEFAULTS.timeout),
  grace: integer("grace").notNull().default(CHECK_DEFAULTS.grace),
  schedule: text("schedule").notNull().default(CHECK_DEFAULTS.schedule),
  tz: text("tz").notNull().default(CHECK_DEFAULTS.tz),
  filter_subject: integer("filter_subject", { mode: "boolean" }).notNull().default(CHECK_DEFAULTS.filter_subject),
  filter_body: integer("filter_body", { mode: "boolean" }).notNull().default(CHECK_DEFAULTS.filter_body),
  filter_http_body: integer("filter_http_body", { mode: "boolean" }).notNull().default(CHECK_DEFAULTS.filter_http_body),
  filter_default_fail: integer("filter_default_fail", { mode: "boolean" }).notNull().default(CHECK_DEFAULTS.filter_default_fail),
  start_kw: text("start_kw").notNull().default(CHECK_DEFAULTS.start_kw),
  success_kw: text("success_kw").notNull().default(CHECK_DEFAULTS.success_kw),
  failure_kw: text("failure_kw").notNull().default(CHECK_DEFAULTS.failure_kw),
  methods: text("methods").notNull().default(CHECK_DEFAULTS.methods),
  manual_resume: integer("manual_resume", { mode: "boolean" }).notNull().default(CHECK_DEFAULTS.manual_resume),
  unique_key: text("unique_key").notNull(),
  badge_key: text("badge_key").notNull(),
  created: integer("created").notNull(),
  // Bumped by every catalog update so the DO applies updates in order.
  version: integer("version").notNull().default(1),
  // Set when removal starts: lookups skip the row at once, the sweeper finishes an interrupted removal.
  deleted_at: integer("deleted_at"),
  // Summary, written only by the check's DO.
  status: text("status", { enum: ["new", "up", "down", "paused"] }).notNull().default("new"),
  last_ping: integer("last_ping"),
  last_start: integer("last_start"),
  last_duration: integer("last_duration"),
  n_pings: integer("n_pings").notNull().default(0),
  // Next expected ping (grace start, without the "started" rule).
  grace_start: integer("grace_start"),
  // When the check goes down unless pinged: the DO's deadline.
  alert_after: integer("alert_after"),
  summary_version: integer("summary_version").notNull().default(0),
  // The catalog version the DO last reported applying; the sweeper re-applies newer ones.
  applied_version: integer("applied_version").notNull().default(0),
  // The DO's earliest scheduled item (deadline, outbox retry, reminder, …): the sweeper pokes it when overdue.
  next_alarm: integer("next_alarm"),
  // Down periods of the last 30 days, JSON [[start, end|null], …] in ms (the list's day strip),
  // rewritten by the DO only after a flip; NULL until its first mirror.
  recent_downs: text("recent_downs"),
}, (t) => [
  index("checks_project_slug").on(t.project_id, t.slug),
  index("checks_project_name").on(t.project_id, t.name),
  index("checks_unique_key").on(t.unique_key),
  uniqueIndex("checks_badge_key").on(t.badge_key),
  index("checks_deleted").on(t.deleted_at),
  index("checks_next_alarm").on(t.next_alarm),
  index("checks_unapplied").on(t.id).where(sql`version > applied_version`),
]);

export const channels = sqliteTable("channels", {
  id: text("id").primaryKey(),
  project_id: text("project_id").notNull(),
  name: text("name").notNull().default(""),
  kind: text("kind").notNull(),
  // The kind's configuration, in the shape Healthchecks stores for that kind.
  value: text("value").notNull().default("{}"),
  created: integer("created").notNull(),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  // Email channels receive alerts only once their address is confirmed by link; other kinds are always true.
  email_verified: integer("email_verified", { mode: "boolean" }).notNull().default(true),
  last_notify: integer("last_notify"),
  last_notify_duration: integer("last_notify_duration"),
  last_error: text("last_error").notNull().default(""),
}, (t) => [index("channels_project").on(t.project_id)]);

export const checkChannels = sqliteTable("check_channels", {
  check_id: text("check_id").notNull(),
  channel_id: text("channel_id").notNull(),
}, (t) => [primaryKey({ columns: [t.check_id, t.channel_id] }), index("check_channels_channel").on(t.channel_id)]);

/** A flip that needs notifications, with the snapshot its alerts render (written by the DO's outbox drain). */
export const alertFlips = sqliteTable("alert_flips", {
  id: text("id").primaryKey(),
  check_id: text("check_id").notNull(),
  project_id: text("project_id").notNull(),
  created: integer("created").notNull(),
  old_status: text("old_status").notNull(),
  new_status: text("new_status").notNull(),
  reason: text("reason").notNull(),
  snapshot: text("snapshot").notNull(),
  enqueued_at: integer("enqueued_at").notNull(),
  // The alert's place among its check's alerts (per channel they go out in this order).
  seq: integer("seq").notNull().default(0),
  // Until every (flip, channel) pair is settled: when to hand the flip to the queue again if nothing
  // has touched it (a lost message, a killed consumer). NULL once settled.
  watch_until: integer("watch_until"),
}, (t) => [
  index("alert_flips_check_seq").on(t.check_id, t.seq),
  index("alert_flips_watch").on(t.watch_until),
]);

/** Delivery log, one row per (flip, channel). */
export const notifications = sqliteTable("notifications", {
  flip_id: text("flip_id").notNull(),
  channel_id: text("channel_id").notNull(),
  check_id: text("check_id").notNull(),
  project_id: text("project_id").notNull(),
  // superseded: a later alert of the same check made it pointless before it was sent.
  status: text("status", { enum: ["sending", "retry", "sent", "failed", "superseded"] }).notNull(),
  error: text("error").notNull().default(""),
  attempts: integer("attempts").notNull().default(0),
  lease_until: integer("lease_until"),
  created: integer("created").notNull(),
  updated: integer("updated").notNull(),
}, (t) => [
  primaryKey({ columns: [t.flip_id, t.channel_id] }),
  index("notifications_created").on(t.created),
  index("notifications_check").on(t.check_id, t.created),
]);


/**
 * Outbound mail and test notifications a channel caused (abuse limits): one row per (channel, kind),
 * counting sends in the hour that started at `window_start`. D1, so every isolate sees the same count.
 */
export const channelSends = sqliteTable("channel_sends", {
  channel_id: text("channel_id").notNull(),
  kind: text("kind", { enum: ["verification", "test"] }).notNull(),
  window_start: integer("window_start").notNull(),
  count: integer("count").notNull(),
}, (t) => [primaryKey({ columns: [t.channel_id, t.kind] })]);

/** Small operational facts, one row per key (e.g. the sweeper's last run, as JSON). */
export const meta = sqliteTable("meta", {
  k: text("k").primaryKey(),
  v: text("v").notNull(),
  updated: integer("updated").notNull(),
});
