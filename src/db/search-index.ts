/**
 * The search index (FTS5 `tasks_fts`, drizzle/0003) in bulk writes. Triggers
 * keep it in step row by row, but every statement that writes an FTS5 table
 * flushes a new index segment, so a row-by-row import or pull of many tasks
 * spends most of its time building and merging one-row segments. A bulk write
 * marks where its new tasks start; the triggers (drizzle/0005) leave those
 * alone and they are indexed in one statement before the transaction commits.
 */
import { sql } from "drizzle-orm";
import type { WriteTx } from "./open.js";
import { searchIndexDeferral, tasks } from "./schema.js";

/**
 * Run `fn` (a bulk write) with the search index of the tasks it inserts
 * deferred to its end: one INSERT … SELECT over the rows above the highest
 * rowid seen before. Transactional: runs in a savepoint of `tx`, so the rows,
 * their index entries and the mark commit together or, when `fn` throws,
 * vanish together; the mark never outlives the call. Tasks that existed before
 * (updated or deleted by `fn`) are kept in step by the triggers as usual.
 * Returns what `fn` returns.
 */
export function withDeferredSearchIndex<T>(tx: WriteTx, fn: () => T): T {
  return tx.sqlite.transaction(() => {
    // max(rowid) is one step down the table's b-tree, at any size.
    const after =
      tx.db
        .select({ last: sql<number | null>`max(${tasks}.rowid)` })
        .from(tasks)
        .get()?.last ?? 0;
    tx.db.insert(searchIndexDeferral).values({ afterRowid: after }).run();
    const result = fn();
    tx.db.run(
      sql`INSERT INTO tasks_fts(rowid, title, description) SELECT rowid, ${tasks.title}, ${tasks.description} FROM ${tasks} WHERE rowid > ${after}`,
    );
    tx.db.delete(searchIndexDeferral).run();
    return result;
  })();
}
