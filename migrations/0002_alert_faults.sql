DROP INDEX `alert_flips_check`;--> statement-breakpoint
ALTER TABLE `alert_flips` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `alert_flips` ADD `watch_until` integer;--> statement-breakpoint
CREATE INDEX `alert_flips_check_seq` ON `alert_flips` (`check_id`,`seq`);--> statement-breakpoint
CREATE INDEX `alert_flips_watch` ON `alert_flips` (`watch_until`);--> statement-breakpoint
ALTER TABLE `checks` ADD `applied_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `checks` ADD `next_alarm` integer;--> statement-breakpoint
CREATE INDEX `checks_next_alarm` ON `checks` (`next_alarm`);--> statement-breakpoint
CREATE INDEX `checks_unapplied` ON `checks` (`id`) WHERE version > applied_version;--> statement-breakpoint
-- Existing objects applied their catalog version already, and their next alarm is their deadline.
UPDATE `checks` SET `applied_version` = `version`, `next_alarm` = CASE WHEN `status` != 'down' THEN `alert_after` END;
--> statement-breakpoint
-- Alerts stored by the previous release in the last day are watched, so none still in a queue is dropped.
UPDATE `alert_flips` SET `watch_until` = `enqueued_at` + 120000 WHERE `enqueued_at` > (unixepoch() - 86400) * 1000;
