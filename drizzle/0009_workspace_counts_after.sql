-- Workspaces (#16), after the tables change (0008): tasks per status per
-- workspace (task_status_counts in src/db/schema.ts), recounted and kept in
-- step by triggers in the writing transaction, for the board's column counts
-- of one workspace at any replica size.
DELETE FROM `task_status_counts`;
--> statement-breakpoint
INSERT INTO `task_status_counts`(`workspace_id`, `status`, `n`) SELECT `workspace_id`, `status`, count(*) FROM `tasks` GROUP BY `workspace_id`, `status`;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_insert` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO `task_status_counts`(`workspace_id`, `status`, `n`) VALUES (new.`workspace_id`, new.`status`, 1)
    ON CONFLICT(`workspace_id`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_delete` AFTER DELETE ON `tasks` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `workspace_id` = old.`workspace_id` AND `status` = old.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_update` AFTER UPDATE OF `status` ON `tasks` WHEN old.`status` IS NOT new.`status` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `workspace_id` = old.`workspace_id` AND `status` = old.`status`;
  INSERT INTO `task_status_counts`(`workspace_id`, `status`, `n`) VALUES (new.`workspace_id`, new.`status`, 1)
    ON CONFLICT(`workspace_id`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
-- The personal workspace is always there (its server id is learned at the first sync).
INSERT OR IGNORE INTO `workspaces`(`id`, `name`, `role`, `personal`, `state`, `updated_at`) VALUES ('', 'personal', 'owner', 1, 'active', 0);
