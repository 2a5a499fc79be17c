CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`server_id` text,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`personal` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `projects_sync_status_idx`;--> statement-breakpoint
ALTER TABLE `projects` ADD `workspace_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `projects_sync_status_idx` ON `projects` (`workspace_id`,`sync_status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `task_blockers_sync_status_idx`;--> statement-breakpoint
ALTER TABLE `task_blockers` ADD `workspace_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `task_blockers_sync_status_idx` ON `task_blockers` (`workspace_id`,`sync_status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `task_notes_sync_status_idx`;--> statement-breakpoint
ALTER TABLE `task_notes` ADD `workspace_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `task_notes_sync_status_idx` ON `task_notes` (`workspace_id`,`sync_status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `task_tags_sync_status_idx`;--> statement-breakpoint
ALTER TABLE `task_tags` ADD `workspace_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `task_tags_sync_status_idx` ON `task_tags` (`workspace_id`,`sync_status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `tasks_created_idx`;--> statement-breakpoint
DROP INDEX `tasks_status_idx`;--> statement-breakpoint
DROP INDEX `tasks_project_idx`;--> statement-breakpoint
DROP INDEX `tasks_due_idx`;--> statement-breakpoint
DROP INDEX `tasks_priority_idx`;--> statement-breakpoint
DROP INDEX `tasks_sync_status_idx`;--> statement-breakpoint
ALTER TABLE `tasks` ADD `workspace_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `tasks_created_idx` ON `tasks` (`workspace_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`workspace_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_project_idx` ON `tasks` (`workspace_id`,`project_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_due_idx` ON `tasks` (`workspace_id`,`due`);--> statement-breakpoint
CREATE INDEX `tasks_priority_idx` ON `tasks` (`workspace_id`,`priority`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_sync_status_idx` ON `tasks` (`workspace_id`,`sync_status`,`created_at`,`id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sync_state` (
	`workspace_id` text DEFAULT '' NOT NULL,
	`table_name` text NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`initial_sync_done` integer DEFAULT false NOT NULL,
	`last_push_at` integer,
	`last_pull_at` integer,
	`last_error` text,
	PRIMARY KEY(`workspace_id`, `table_name`)
);
--> statement-breakpoint
INSERT INTO `__new_sync_state`("workspace_id", "table_name", "cursor", "initial_sync_done", "last_push_at", "last_pull_at", "last_error") SELECT "workspace_id", "table_name", "cursor", "initial_sync_done", "last_push_at", "last_pull_at", "last_error" FROM `sync_state`;--> statement-breakpoint
DROP TABLE `sync_state`;--> statement-breakpoint
ALTER TABLE `__new_sync_state` RENAME TO `sync_state`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_task_status_counts` (
	`workspace_id` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`workspace_id`, `status`)
);
--> statement-breakpoint
INSERT INTO `__new_task_status_counts`("workspace_id", "status", "n") SELECT "workspace_id", "status", "n" FROM `task_status_counts`;--> statement-breakpoint
DROP TABLE `task_status_counts`;--> statement-breakpoint
ALTER TABLE `__new_task_status_counts` RENAME TO `task_status_counts`;--> statement-breakpoint
ALTER TABLE `conflicts` ADD `remote_writer_id` text;--> statement-breakpoint
ALTER TABLE `conflicts` ADD `remote_writer_name` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `workspace_id` text DEFAULT '' NOT NULL;