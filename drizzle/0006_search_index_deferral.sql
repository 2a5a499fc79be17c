-- Custom migration (drizzle-kit generate --custom): bulk writes index search once.
--
-- Each statement that writes an FTS5 table flushes FTS5's pending terms to a new
-- index segment, so the per-row triggers of 0003 made every imported or pulled
-- task its own segment, merged again and again: a 100,000-line import took
-- several times as long as without the index. Inside a bulk write
-- (src/db/search-index.ts) a row in `search_index_deferral` says which tasks
-- (rowid above `after_rowid`) the triggers leave alone; the same transaction
-- then indexes them in one INSERT … SELECT and deletes the row before it
-- commits. Tasks at or below the mark (existing ones a pull or an import line
-- updates) are still kept in step by the triggers, row by row.
DROP TRIGGER `tasks_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `tasks_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `tasks_fts_update`;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_insert` AFTER INSERT ON `tasks`
WHEN NOT EXISTS (SELECT 1 FROM `search_index_deferral` WHERE new.rowid > `after_rowid`) BEGIN
  INSERT INTO `tasks_fts`(`rowid`, `title`, `description`) VALUES (new.rowid, new.`title`, new.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_delete` AFTER DELETE ON `tasks`
WHEN NOT EXISTS (SELECT 1 FROM `search_index_deferral` WHERE old.rowid > `after_rowid`) BEGIN
  INSERT INTO `tasks_fts`(`tasks_fts`, `rowid`, `title`, `description`) VALUES ('delete', old.rowid, old.`title`, old.`description`);
END;
--> statement-breakpoint
-- Only a real change of the text re-indexes it (a pulled upsert sets every column).
CREATE TRIGGER `tasks_fts_update` AFTER UPDATE OF `title`, `description` ON `tasks`
WHEN (old.`title` IS NOT new.`title` OR old.`description` IS NOT new.`description`)
  AND NOT EXISTS (SELECT 1 FROM `search_index_deferral` WHERE old.rowid > `after_rowid`) BEGIN
  INSERT INTO `tasks_fts`(`tasks_fts`, `rowid`, `title`, `description`) VALUES ('delete', old.rowid, old.`title`, old.`description`);
  INSERT INTO `tasks_fts`(`rowid`, `title`, `description`) VALUES (new.rowid, new.`title`, new.`description`);
END;
