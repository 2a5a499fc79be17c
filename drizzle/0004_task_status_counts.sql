-- Custom migration (drizzle-kit generate --custom): tasks per status (table
-- task_status_counts in src/db/schema.ts), kept in step by triggers in the
-- writing transaction, for the board's column counts at any replica size.
INSERT INTO `task_status_counts`(`status`, `n`) SELECT `status`, count(*) FROM `tasks` GROUP BY `status`;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_insert` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO `task_status_counts`(`status`, `n`) VALUES (new.`status`, 1) ON CONFLICT(`status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_delete` AFTER DELETE ON `tasks` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `status` = old.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `task_status_counts_update` AFTER UPDATE OF `status` ON `tasks` WHEN old.`status` IS NOT new.`status` BEGIN
  UPDATE `task_status_counts` SET `n` = `n` - 1 WHERE `status` = old.`status`;
  INSERT INTO `task_status_counts`(`status`, `n`) VALUES (new.`status`, 1) ON CONFLICT(`status`) DO UPDATE SET `n` = `n` + 1;
END;
