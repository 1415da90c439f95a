DROP INDEX `alert_flips_enqueued`;--> statement-breakpoint
DROP INDEX `checks_status_deadline`;