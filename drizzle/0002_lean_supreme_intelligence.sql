CREATE TABLE `outbox_counts` (
	`state` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_status_counts` (
	`status` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX `tasks_status_idx`;--> statement-breakpoint
DROP INDEX `tasks_project_idx`;--> statement-breakpoint
CREATE INDEX `tasks_sync_status_idx` ON `tasks` (`sync_status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_project_idx` ON `tasks` (`project_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `projects_sync_status_idx` ON `projects` (`sync_status`,`created_at`,`id`);