-- Custom migration (drizzle-kit generate --custom): what drizzle cannot express.
--
-- 1. Full-text search of tasks (title, description) for `list --search` and the
--    board's filter: an FTS5 index over the tasks table itself (external content,
--    no copy of the text), kept in step by triggers in the writing transaction.
--    The trigram tokenizer matches any substring of 3+ characters, case-insensitively
--    (Unicode case folding); shorter searches fall back to LIKE (src/db/task-query.ts).
--    automerge 16: fewer segment merges while a million rows are imported or pulled.
CREATE VIRTUAL TABLE `tasks_fts` USING fts5(`title`, `description`, content='tasks', content_rowid='rowid', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `tasks_fts`(`tasks_fts`, `rank`) VALUES ('automerge', 16);
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_insert` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO `tasks_fts`(`rowid`, `title`, `description`) VALUES (new.rowid, new.`title`, new.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_delete` AFTER DELETE ON `tasks` BEGIN
  INSERT INTO `tasks_fts`(`tasks_fts`, `rowid`, `title`, `description`) VALUES ('delete', old.rowid, old.`title`, old.`description`);
END;
--> statement-breakpoint
-- Only a real change of the text re-indexes it (a pulled upsert sets every column).
CREATE TRIGGER `tasks_fts_update` AFTER UPDATE OF `title`, `description` ON `tasks`
WHEN old.`title` IS NOT new.`title` OR old.`description` IS NOT new.`description` BEGIN
  INSERT INTO `tasks_fts`(`tasks_fts`, `rowid`, `title`, `description`) VALUES ('delete', old.rowid, old.`title`, old.`description`);
  INSERT INTO `tasks_fts`(`rowid`, `title`, `description`) VALUES (new.rowid, new.`title`, new.`description`);
END;
--> statement-breakpoint
INSERT INTO `tasks_fts`(`tasks_fts`) VALUES ('rebuild');
--> statement-breakpoint
-- 2. Outbox counts by state (table outbox_counts in src/db/schema.ts), kept by triggers.
INSERT INTO `outbox_counts`(`state`, `n`) VALUES ('pending', 0), ('failed', 0);
--> statement-breakpoint
UPDATE `outbox_counts` SET `n` = (SELECT count(*) FROM `outbox` WHERE `outbox`.`state` = `outbox_counts`.`state`);
--> statement-breakpoint
CREATE TRIGGER `outbox_counts_insert` AFTER INSERT ON `outbox` BEGIN
  UPDATE `outbox_counts` SET `n` = `n` + 1 WHERE `state` = new.`state`;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_counts_delete` AFTER DELETE ON `outbox` BEGIN
  UPDATE `outbox_counts` SET `n` = `n` - 1 WHERE `state` = old.`state`;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_counts_update` AFTER UPDATE OF `state` ON `outbox` WHEN old.`state` IS NOT new.`state` BEGIN
  UPDATE `outbox_counts` SET `n` = `n` - 1 WHERE `state` = old.`state`;
  UPDATE `outbox_counts` SET `n` = `n` + 1 WHERE `state` = new.`state`;
END;
--> statement-breakpoint
-- 3. Tasks per status (table
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
