/**
 * An exclusive lock the operating system drops when its holder dies: a
 * write transaction held open on a small, always empty SQLite file (SQLite
 * locks with fcntl byte ranges). No pid is ever judged, so a crash leaves
 * nothing stale behind and a recycled pid never passes for the owner; a lock
 * file that is truncated, or has not been written yet, is held all the same.
 * Connections in one process exclude each other too (SQLite tracks its own
 * locks per file), so the board and an in-process test behave like two
 * processes.
 *
 * Never open the lock file with plain fs calls in a process that may hold it:
 * closing any descriptor of a file drops that process's fcntl locks on it.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';

export interface OsLock {
  /** Idempotent. */
  release(): void;
}

/**
 * Take the lock on `path` (created if missing) without waiting. Returns null
 * when another connection, in any process, holds it.
 */
export function tryOsLock(path: string): OsLock | null {
  const result = attempt(path);
  if (result !== 'foreign') return result;
  // Not a SQLite file: a lock file of an older convoy (JSON holding a pid) or
  // debris. No holder of this kind of lock can be using it, so it is replaced
  // (atomically: an empty file renamed over it) and tried once more.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, '', { mode: 0o600 });
  renameSync(temp, path);
  const again = attempt(path);
  if (again === 'foreign') throw new ConfigError(`${path} is not a convoy lock file; delete it when no convoy process is running`);
  return again;
}

function attempt(path: string): OsLock | null | 'foreign' {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (error) {
    throw new ConfigError(`cannot create the lock file ${path} (${(error as Error).message}); make its folder writable`);
  }
  try {
    db.exec('BEGIN IMMEDIATE'); // a RESERVED lock: one holder; readers of the (empty) file are not blocked
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY') return null;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return 'foreign';
    throw new ConfigError(`cannot take the lock ${path} (${(error as Error).message}); make its folder writable`);
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * Whether some connection holds the lock on `path` right now. A missing file
 * is free; so is one this process cannot open for writing (nobody else can
 * hold it either without write access to its folder).
 */
export function isOsLocked(path: string): boolean {
  if (!existsSync(path)) return false; // a stat, not an open: safe for a holder in this process
  try {
    const probe = tryOsLock(path);
    probe?.release();
    return probe === null;
  } catch {
    return false;
  }
}

export interface Session {
  /** True when no other connection was in the session when this one joined. */
  readonly alone: boolean;
  /** Idempotent. */
  leave(): void;
}

/**
 * Join the shared session on `path` (a SQLite file, created if missing) for
 * as long as the replica is open: a read transaction held open is a shared
 * OS lock, dropped by the OS when the process dies. `alone` tells the first
 * connection in that nobody else has the replica open — so a WAL it finds
 * was left behind by a process that died, not by one still running.
 */
export function joinSession(path: string): Session {
  const db = new Database(path, { timeout: 0 });
  let alone = false;
  try {
    db.exec('BEGIN EXCLUSIVE'); // granted only when no one else holds the session
    db.exec('ROLLBACK');
    alone = true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') {
      db.close();
      throw error;
    }
  }
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // takes the shared lock
  } catch (error) {
    db.close();
    throw error;
  }
  let joined = true;
  return {
    alone,
    leave() {
      if (!joined) return;
      joined = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
