/**
 * Opening the local replica. Only `src/db` touches SQLite.
 */
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { ConfigError, environmentProblem } from '../errors.js';
import { APPLICATION_ID, checkIntegrityIfDue, DamagedReplicaError, isDamage, replicaKind } from './integrity.js';
import { assertNotNewer, migrate, SCHEMA_VERSION } from './migrate.js';
import { joinSession } from './os-lock.js';
import { prepareReplicaFile, type Notice } from './replica-file.js';

export type Db = BetterSQLite3Database;

/** Read access to the replica: what read-only repository functions take. */
export interface Store {
  /** Absolute path of the SQLite file. */
  readonly path: string;
  /** The raw connection, for the few hot prepared statements. */
  readonly sqlite: Database.Database;
  /** drizzle over the same connection. */
  readonly db: Db;
  /** False when the file or its folder cannot be written: reads work, writes throw ConfigError. */
  readonly writable: boolean;
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

export interface OpenOptions {
  /** Told when a file or folder mode was tightened (the CLI prints it on stderr). */
  notice?: Notice;
  /** Run the daily / after-a-crash integrity check (default true; `convoy doctor` opens without it). */
  checkIntegrity?: boolean;
  now?: () => number;
}

/** How long a writer waits for another process's transaction before failing. */
const BUSY_TIMEOUT_MS = 5_000;

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK); // SQLite creates the -wal and -shm files beside it
    return true;
  } catch {
    return false;
  }
}

function walLeftBehind(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/** A SQLite or file-system failure while opening, as the ConfigError a user can act on. */
function openFailure(error: unknown, path: string): unknown {
  if (error instanceof ConfigError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB') {
    return new ConfigError(
      `${path} is not a convoy replica (${(error as Error).message}); move it away or set CONVOY_HOME ` +
        '(if it was your replica, `convoy doctor` sets it aside and rebuilds it from the server)',
    );
  }
  if (isDamage(error)) return new DamagedReplicaError(path, (error as Error).message);
  const problem = environmentProblem(error);
  return problem ? new ConfigError(`cannot open the replica ${path}: ${problem}`) : error;
}

/** Pragmas and schema for a connection that may write; marks and checks the file. */
function prepareWritable(sqlite: Database.Database, path: string, crashed: boolean, options: OpenOptions): void {
  const kind = replicaKind(sqlite, path);
  const version = assertNotNewer(sqlite, path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // 32 MiB page cache: large imports and pulls otherwise spill pages to the WAL mid-transaction.
  sqlite.pragma('cache_size = -32768');
  if (version < SCHEMA_VERSION) migrate(sqlite, path);
  else if (kind === 'unmarked-convoy') sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  if (kind !== 'fresh' && options.checkIntegrity !== false) checkIntegrityIfDue(sqlite, path, crashed, (options.now ?? Date.now)());
}

function prepareReadOnly(sqlite: Database.Database, path: string): void {
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  replicaKind(sqlite, path);
  if (assertNotNewer(sqlite, path) < SCHEMA_VERSION) {
    throw new ConfigError(`the replica ${path} needs upgrading but cannot be written (permission denied); make it and its folder writable once`);
  }
  sqlite.pragma('foreign_keys = ON');
}

interface Connection {
  sqlite: Database.Database;
  /** Removes whatever opening left behind (a snapshot). */
  cleanup(): void;
}

/**
 * A replica we may only read. SQLite reads a WAL database only where it can
 * keep its -shm index beside it; in a folder we cannot write, read a private
 * snapshot instead (writes then fail as read-only, like on the file itself).
 */
function openReadOnly(path: string): Connection {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { readonly: true });
    prepareReadOnly(sqlite, path);
    return { sqlite, cleanup: () => undefined };
  } catch (error) {
    sqlite?.close();
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'convoy-read-only-'));
  const copy = join(dir, 'replica.db');
  try {
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    sqlite = new Database(copy);
    sqlite.pragma('query_only = 1');
    prepareReadOnly(sqlite, path);
  } catch (error) {
    sqlite?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { sqlite, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The file every writable connection holds a shared lock on while open (see joinSession). */
export function sessionPath(replicaPath: string): string {
  return `${replicaPath}.session`;
}

function openWritable(path: string, existed: boolean, options: OpenOptions): Connection {
  const session = joinSession(sessionPath(path));
  // A WAL nobody has open was left by a process that died mid-way: check the file before trusting it.
  const crashed = existed && session.alone && walLeftBehind(path);
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    prepareWritable(sqlite, path, crashed, options);
  } catch (error) {
    sqlite?.close();
    session.leave();
    throw error;
  }
  return { sqlite, cleanup: () => session.leave() };
}

/**
 * Open (creating if needed, 0600 in a 0700 folder) the replica at `path` and
 * migrate it. A replica that cannot be written opens read-only: reads work,
 * writes throw ConfigError. Throws ConfigError, without modifying the file,
 * when it was written by a newer convoy, is another application's database,
 * or is damaged (DamagedReplicaError), and for any path or disk problem.
 */
export function openReplica(path: string, options: OpenOptions = {}): Replica {
  const existed = prepareReplicaFile(path, options.notice ?? (() => undefined));
  const writable = canWrite(path);
  let opened: Connection;
  try {
    opened = writable ? openWritable(path, existed, options) : openReadOnly(path);
  } catch (error) {
    throw openFailure(error, path);
  }
  const connection = opened.sqlite;
  const db = drizzle(connection);
  return {
    path,
    sqlite: connection,
    db,
    writable,
    write(fn) {
      try {
        // A new WriteTx per transaction: what one transaction wrote can be grouped by it (the undo log's batches).
        return connection.transaction(() => fn({ path, sqlite: connection, db, writable } as Store as WriteTx)).immediate();
      } catch (error) {
        const problem = (error as { code?: string }).code?.startsWith('SQLITE_') ? environmentProblem(error) : null;
        if (problem && !(error instanceof ConfigError)) throw new ConfigError(`cannot write the replica ${path}: ${problem}`);
        throw error;
      }
    },
    close() {
      connection.close();
      opened.cleanup();
    },
  };
}
