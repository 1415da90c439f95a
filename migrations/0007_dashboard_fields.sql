ALTER TABLE `checks` ADD `recent_downs` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `show_slugs` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `user` ADD `checks_sort` text DEFAULT 'created';