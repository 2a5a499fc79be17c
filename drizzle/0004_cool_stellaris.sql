CREATE TABLE `task_blockers` (
	`id` text PRIMARY KEY NOT NULL,
	`server_id` text,
	`server_version` integer,
	`sync_status` text DEFAULT 'pending' NOT NULL,
	`id_tail` text GENERATED ALWAYS AS (substr(id, 25)) VIRTUAL,
	`owner_id` text,
	`member` text NOT NULL,
	`state` text DEFAULT 'present' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_blockers_owner_idx` ON `task_blockers` (`owner_id`);--> statement-breakpoint
CREATE INDEX `task_blockers_member_idx` ON `task_blockers` (`member`,`state`);--> statement-breakpoint
CREATE INDEX `task_blockers_sync_status_idx` ON `task_blockers` (`sync_status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `task_blockers_id_tail_idx` ON `task_blockers` (`id_tail`);--> statement-breakpoint
CREATE TABLE `task_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`server_id` text,
	`server_version` integer,
	`sync_status` text DEFAULT 'pending' NOT NULL,
	`id_tail` text GENERATED ALWAYS AS (substr(id, 25)) VIRTUAL,
	`task_id` text,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_notes_task_idx` ON `task_notes` (`task_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `task_notes_sync_status_idx` ON `task_notes` (`sync_status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `task_notes_id_tail_idx` ON `task_notes` (`id_tail`);--> statement-breakpoint
CREATE TABLE `task_tags` (
	`id` text PRIMARY KEY NOT NULL,
	`server_id` text,
	`server_version` integer,
	`sync_status` text DEFAULT 'pending' NOT NULL,
	`id_tail` text GENERATED ALWAYS AS (substr(id, 25)) VIRTUAL,
	`owner_id` text,
	`member` text NOT NULL,
	`state` text DEFAULT 'present' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_tags_owner_idx` ON `task_tags` (`owner_id`);--> statement-breakpoint
CREATE INDEX `task_tags_member_idx` ON `task_tags` (`member`,`state`);--> statement-breakpoint
CREATE INDEX `task_tags_sync_status_idx` ON `task_tags` (`sync_status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `task_tags_id_tail_idx` ON `task_tags` (`id_tail`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `due` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `priority` text;--> statement-breakpoint
CREATE INDEX `tasks_due_idx` ON `tasks` (`due`);--> statement-breakpoint
CREATE INDEX `tasks_priority_idx` ON `tasks` (`priority`,`created_at`,`id`);