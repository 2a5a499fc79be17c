/**
 * `convoy doctor`'s work on the file: diagnose a replica, and rebuild a
 * damaged one — set the damaged file aside (never deleted), create a fresh
 * replica in its place, and re-queue every unacknowledged op that can still
 * be read. The next sync pulls everything else back from the server.
 */
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openReplica } from './open.js';

export interface Diagnosis {
  /** True when the file opens and `PRAGMA quick_check` passes. */
  ok: boolean;
  /** What SQLite reported (empty when ok). */
  problems: string[];
}

/** Read-only: never modifies the file. */
export function diagnoseReplica(path: string): Diagnosis {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    const rows = (sqlite.pragma('quick_check(20)') as { quick_check: string }[]).map((r) => r.quick_check);
    const problems = rows.filter((r) => r !== 'ok');
    return { ok: problems.length === 0, problems };
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] };
  } finally {
    sqlite?.close();
  }
}

interface OutboxRow {
  seq: number;
  op: string;
  table_name: string;
  record_id: string;
  /** Absent in a replica from before workspaces (its ops are the personal workspace's). */
  workspace_id?: string;
  fields: string;
  base_version: number | null;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  state: string;
}

interface Salvage {
  ops: OutboxRow[];
  /** The workspaces the replica knew (rows as stored), so queued ops of each keep their workspace and its state. */
  workspaces: Record<string, unknown>[];
  unreadable: number;
  /** The client id and last op seq, kept together or not at all: (client id, seq) is each op's idempotency key. */
  identity: { clientId: string; lastSeq: number } | null;
}

function readable(row: OutboxRow): boolean {
  try {
    return typeof row.record_id === 'string' && typeof JSON.parse(row.fields) === 'object' && ['create', 'update'].includes(row.op);
  } catch {
    return false;
  }
}

/** The whole queue in one scan, or (when the scan hits damage) row by row, skipping what fails. */
function readOps(db: Database.Database, maxSeq: number): OutboxRow[] {
  try {
    return db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[];
  } catch {
    const rows: OutboxRow[] = [];
    const get = db.prepare('SELECT * FROM outbox WHERE seq = ?');
    for (let seq = 1; seq <= maxSeq; seq++) {
      try {
        const row = get.get(seq) as OutboxRow | undefined;
        if (row) rows.push(row);
      } catch {
        // this row's page is damaged
      }
    }
    return rows;
  }
}

/** Every op that can still be read, row by row where a whole scan fails. Never throws. */
function salvage(path: string): Salvage {
  const out: Salvage = { ops: [], workspaces: [], unreadable: 0, identity: null };
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    const db = sqlite;
    const one = <T>(sql: string, ...args: unknown[]): T | undefined => {
      try {
        return db.prepare(sql).get(...args) as T | undefined;
      } catch {
        return undefined;
      }
    };
    const clientId = one<{ value: string }>("SELECT value FROM meta WHERE key = 'clientId'")?.value;
    const lastSeq = one<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")?.seq;
    const maxSeq = one<{ max: number | null }>('SELECT max(seq) AS max FROM outbox')?.max ?? 0;
    if (clientId && lastSeq !== undefined) out.identity = { clientId, lastSeq: Math.max(lastSeq, maxSeq) };
    try {
      out.workspaces = db.prepare('SELECT * FROM workspaces').all() as Record<string, unknown>[];
    } catch {
      // before workspaces, or damaged: the next sync lists the joined ones again
    }
    for (const row of readOps(db, maxSeq)) {
      if (readable(row)) out.ops.push(row);
      else out.unreadable++;
    }
  } catch {
    // nothing readable at all: a fresh replica, new identity
  } finally {
    sqlite?.close();
  }
  return out;
}

export interface RebuildResult {
  /** Where the damaged file now is. */
  savedAs: string;
  requeued: number;
  /** Ops found but not readable whole (lost from the queue; they are still in the saved file). */
  unreadable: number;
  /** Whether the replica kept its client id (so re-sent ops are recognised by the server). */
  keptClientId: boolean;
}

/**
 * Rebuild the replica at `path`. Not atomic as a whole, but nothing is
 * deleted: the old file (with its -wal and -shm) is renamed aside first.
 * The caller holds the sync and daemon locks.
 */
export function rebuildReplica(path: string, now: number): RebuildResult {
  const saved = salvage(path);
  const savedAs = `${path}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, savedAs + suffix);
  }
  const replica = openReplica(path, { checkIntegrity: false });
  try {
    replica.write(() => {
      if (saved.identity) {
        replica.sqlite.prepare("UPDATE meta SET value = ?, updated_at = ? WHERE key = 'clientId'").run(saved.identity.clientId, now);
        // Later ops must never reuse a seq the server may have seen under this client id.
        replica.sqlite.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(saved.identity.lastSeq);
      }
      const workspace = replica.sqlite.prepare(
        `INSERT OR REPLACE INTO workspaces (id, server_id, name, role, personal, state, updated_at)
         VALUES (@id, @server_id, @name, @role, @personal, @state, @updated_at)`,
      );
      for (const row of saved.workspaces) {
        try {
          workspace.run(row);
        } catch {
          // an unreadable row: the next sync lists the workspace again if it is still joined
        }
      }
      const insert = replica.sqlite.prepare(
        `INSERT INTO outbox (seq, op, table_name, record_id, workspace_id, fields, base_version, created_at, attempts, next_attempt_at, last_error, state)
         VALUES (@seq, @op, @table_name, @record_id, @workspace_id, @fields, @base_version, @created_at, @attempts, 0, @last_error, @state)`,
      );
      // Without the old identity a re-sent op must look new to the server: fresh seqs.
      for (const op of saved.ops) {
        const row = { ...op, workspace_id: op.workspace_id ?? '' };
        insert.run(saved.identity ? row : { ...row, seq: null });
      }
    });
  } finally {
    replica.close();
  }
  return { savedAs, requeued: saved.ops.length, unreadable: saved.unreadable, keptClientId: saved.identity !== null };
}
