CREATE TABLE `undo_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch` integer NOT NULL,
	`op` text NOT NULL,
	`table_name` text NOT NULL,
	`record_id` text NOT NULL,
	`op_seq` integer NOT NULL,
	`previous` text,
	`created_at` integer NOT NULL,
	`undone_at` integer
);
--> statement-breakpoint
CREATE INDEX `undo_log_batch_idx` ON `undo_log` (`batch`);--> statement-breakpoint
ALTER TABLE `projects` ADD `id_tail` text GENERATED ALWAYS AS (substr(id, 25)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `projects_id_tail_idx` ON `projects` (`id_tail`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `id_tail` text GENERATED ALWAYS AS (substr(id, 25)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `tasks_id_tail_idx` ON `tasks` (`id_tail`);