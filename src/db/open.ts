/**
 * Opening the local replica. Only `src/db` touches SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { ConfigError } from '../errors.js';
import { assertNotNewer, migrate, SCHEMA_VERSION } from './migrate.js';

export type Db = BetterSQLite3Database;

/** Read access to the replica: what read-only repository functions take. */
export interface Store {
  /** Absolute path of the SQLite file. */
  readonly path: string;
  /** The raw connection, for the few hot prepared statements. */
  readonly sqlite: Database.Database;
  /** drizzle over the same connection. */
  readonly db: Db;
}

declare const writeTxBrand: unique symbol;

/**
 * Proof that the holder runs inside `Replica.write()`: only `write()` hands
 * one out. Every function that must not run outside a write transaction
 * takes it (instead of a comment asking callers to wrap it).
 */
export interface WriteTx extends Store {
  readonly [writeTxBrand]: true;
}

export interface Replica extends Store {
  /** Run `fn` in one write transaction (BEGIN IMMEDIATE: never a late SQLITE_BUSY); commits when `fn` returns, rolls back when it throws. */
  write<T>(fn: (tx: WriteTx) => T): T;
  close(): void;
}

/** How long a writer waits for another process's transaction before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Open (creating if needed) the replica at `path` and migrate it. Throws
 * ConfigError, without modifying the file, when it was written by a newer
 * convoy or is not a convoy database.
 */
export function openReplica(path: string): Replica {
  mkdirSync(dirname(path), { recursive: true });
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = assertNotNewer(sqlite, path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // 32 MiB page cache: large imports and pulls otherwise spill pages to the WAL mid-transaction.
    sqlite.pragma('cache_size = -32768');
    if (version < SCHEMA_VERSION) migrate(sqlite, path);
  } catch (error) {
    sqlite?.close();
    if (error instanceof ConfigError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new ConfigError(`${path} is not a convoy replica (${(error as Error).message}); move it away or set CONVOY_HOME`);
    }
    throw error;
  }
  const db = drizzle(sqlite);
  const open = sqlite;
  return {
    path,
    sqlite,
    db,
    // A new WriteTx per transaction: what one transaction wrote can be grouped by it (the undo log's batches).
    write: (fn) => open.transaction(() => fn({ path, sqlite: open, db } as Store as WriteTx)).immediate(),
    close: () => open.close(),
  };
}
