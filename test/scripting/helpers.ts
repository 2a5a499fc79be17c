/** Shared by the scripting-surface tests: what the replica holds, read straight from SQLite. */
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Row counts a failed command must leave unchanged. */
export function counts(home: string): Record<string, number> {
  const db = new Database(join(home, 'replica.db'), { readonly: true });
  try {
    const n = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return { tasks: n('tasks'), projects: n('projects'), ops: n('outbox'), undo: n('undo_log') };
  } finally {
    db.close();
  }
}

/** The JSON lines of `n` task creates. */
export const createLines = (n: number, extra: (i: number) => Record<string, string> = () => ({})) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ op: 'create', title: `Task ${i}`, ...extra(i) })).join('\n');
