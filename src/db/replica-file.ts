/**
 * The replica's place on disk: its folder exists and is private (0700), the
 * replica path is a file, not a folder, and the file is private (0600).
 * Every failure is a ConfigError naming the path and the fix, never a crash.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';

/** Says something the user should know (a mode tightened); printed on stderr by the caller. */
export type Notice = (message: string) => void;

/** What the OS said, in words a user can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      return 'it exists and is not a folder';
    default:
      return (error as Error).message;
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new ConfigError(`cannot use ${path}: a part of the path is a file, not a folder; set CONVOY_HOME to a folder`);
    throw new ConfigError(`cannot use ${path}: ${describeFsError(error)}`);
  }
}

/**
 * Create `dir` (and its parents) 0700 when missing; tighten an existing
 * folder that others can read, with a notice. A folder we may not chmod
 * (not ours) is left as it is.
 */
export function ensurePrivateDir(dir: string, notice: Notice, what = 'data folder'): void {
  const stats = statOrNull(dir);
  if (stats && !stats.isDirectory()) {
    throw new ConfigError(`the convoy ${what} ${dir} is not a folder; set CONVOY_HOME to a folder (or move ${dir} away)`);
  }
  if (!stats) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(`cannot create the convoy ${what} ${dir}: ${describeFsError(error)}; set CONVOY_HOME to a folder you can write`);
    }
    return;
  }
  tighten(dir, stats, 0o700, notice);
}

function tighten(path: string, stats: Stats, mode: number, notice: Notice): void {
  if ((stats.mode & 0o077) === 0 || stats.uid !== process.getuid?.()) return;
  try {
    chmodSync(path, mode);
    notice(`note: ${path} was readable by other users (mode ${(stats.mode & 0o777).toString(8)}); tightened to ${mode.toString(8)}`);
  } catch {
    // not ours to change (read-only file system): leave it
  }
}

/**
 * Check the replica path before SQLite sees it: its folder is usable, the
 * path is not a folder, a missing file is created 0600 (SQLite would create
 * it 0644), a looser existing one is tightened. Returns whether it existed.
 */
export function prepareReplicaFile(path: string, notice: Notice): boolean {
  ensurePrivateDir(dirname(path), notice);
  const stats = statOrNull(path);
  if (stats?.isDirectory()) throw new ConfigError(`the replica path ${path} is a folder; move it away or set CONVOY_HOME to another folder`);
  if (stats && !stats.isFile()) throw new ConfigError(`the replica path ${path} is not a regular file; move it away or set CONVOY_HOME to another folder`);
  if (stats) {
    tighten(path, stats, 0o600, notice);
    return true;
  }
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return true; // another process created it first
    throw new ConfigError(`cannot create the replica ${path}: ${describeFsError(error)}; make ${dirname(path)} writable or set CONVOY_HOME`);
  }
  return false;
}
