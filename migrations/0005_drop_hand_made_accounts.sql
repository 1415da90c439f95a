DROP TABLE `sessions`;--> statement-breakpoint
DROP TABLE `users`;