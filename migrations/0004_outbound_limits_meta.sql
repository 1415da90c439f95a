CREATE TABLE `channel_sends` (
	`channel_id` text NOT NULL,
	`kind` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`k` text PRIMARY KEY NOT NULL,
	`v` text NOT NULL,
	`updated` integer NOT NULL
);
