-- Workspaces (#16), before the tables change (0008): the tasks-per-status
-- counters become per workspace, so their triggers go first (SQLite refuses
-- to rename the rebuilt counts table while a trigger names the old one);
-- 0009 creates them again, per workspace, and recounts.
DROP TRIGGER IF EXISTS `task_status_counts_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `task_status_counts_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `task_status_counts_update`;
--> statement-breakpoint
-- 0008 rebuilds these two tables keyed by workspace and copies their rows
-- selecting `workspace_id`: give the old tables the column first (existing
-- rows are the personal workspace's, '').
ALTER TABLE `sync_state` ADD `workspace_id` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `task_status_counts` ADD `workspace_id` text DEFAULT '' NOT NULL;
