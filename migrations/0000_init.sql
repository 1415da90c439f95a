CREATE TABLE `alert_flips` (
	`id` text PRIMARY KEY NOT NULL,
	`check_id` text NOT NULL,
	`project_id` text NOT NULL,
	`created` integer NOT NULL,
	`old_status` text NOT NULL,
	`new_status` text NOT NULL,
	`reason` text NOT NULL,
	`snapshot` text NOT NULL,
	`enqueued_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_flips_enqueued` ON `alert_flips` (`enqueued_at`);--> statement-breakpoint
CREATE INDEX `alert_flips_check` ON `alert_flips` (`check_id`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`value` text DEFAULT '{}' NOT NULL,
	`created` integer NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`last_notify` integer,
	`last_notify_duration` integer,
	`last_error` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `channels_project` ON `channels` (`project_id`);--> statement-breakpoint
CREATE TABLE `check_channels` (
	`check_id` text NOT NULL,
	`channel_id` text NOT NULL,
	PRIMARY KEY(`check_id`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `check_channels_channel` ON `check_channels` (`channel_id`);--> statement-breakpoint
CREATE TABLE `checks` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`slug` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`desc` text DEFAULT '' NOT NULL,
	`kind` text DEFAULT 'simple' NOT NULL,
	`timeout` integer DEFAULT 86400 NOT NULL,
	`grace` integer DEFAULT 3600 NOT NULL,
	`schedule` text DEFAULT '* * * * *' NOT NULL,
	`tz` text DEFAULT 'UTC' NOT NULL,
	`filter_subject` integer DEFAULT false NOT NULL,
	`filter_body` integer DEFAULT false NOT NULL,
	`filter_http_body` integer DEFAULT false NOT NULL,
	`filter_default_fail` integer DEFAULT false NOT NULL,
	`start_kw` text DEFAULT '' NOT NULL,
	`success_kw` text DEFAULT '' NOT NULL,
	`failure_kw` text DEFAULT '' NOT NULL,
	`methods` text DEFAULT '' NOT NULL,
	`manual_resume` integer DEFAULT false NOT NULL,
	`unique_key` text NOT NULL,
	`badge_key` text NOT NULL,
	`created` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	`status` text DEFAULT 'new' NOT NULL,
	`last_ping` integer,
	`last_start` integer,
	`last_duration` integer,
	`n_pings` integer DEFAULT 0 NOT NULL,
	`grace_start` integer,
	`alert_after` integer,
	`summary_version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `checks_project_slug` ON `checks` (`project_id`,`slug`);--> statement-breakpoint
CREATE INDEX `checks_project_name` ON `checks` (`project_id`,`name`);--> statement-breakpoint
CREATE INDEX `checks_unique_key` ON `checks` (`unique_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `checks_badge_key` ON `checks` (`badge_key`);--> statement-breakpoint
CREATE INDEX `checks_status_deadline` ON `checks` (`status`,`alert_after`);--> statement-breakpoint
CREATE INDEX `checks_deleted` ON `checks` (`deleted_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`flip_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`check_id` text NOT NULL,
	`project_id` text NOT NULL,
	`status` text NOT NULL,
	`error` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`created` integer NOT NULL,
	`updated` integer NOT NULL,
	PRIMARY KEY(`flip_id`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `notifications_created` ON `notifications` (`created`);--> statement-breakpoint
CREATE INDEX `notifications_check` ON `notifications` (`check_id`,`created`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`owner_id` text,
	`api_key` text DEFAULT '' NOT NULL,
	`api_key_readonly` text DEFAULT '' NOT NULL,
	`ping_key_hash` text,
	`badge_key` text NOT NULL,
	`ping_log_limit` integer DEFAULT 100 NOT NULL,
	`nag_period` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `projects_api_key` ON `projects` (`api_key`);--> statement-breakpoint
CREATE INDEX `projects_api_key_readonly` ON `projects` (`api_key_readonly`);--> statement-breakpoint
CREATE UNIQUE INDEX `projects_ping_key_hash` ON `projects` (`ping_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `projects_badge_key` ON `projects` (`badge_key`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email` ON `users` (`email`);