/**
 * The replica's place on disk: its folder exists and is private (0700), the
 * replica path is a file, not a folder, and the file is private (0600).
 * Every failure is a ConfigError naming the path and the fix, never a crash.
 */
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { describeFsError, ensurePrivateDir, statOrNull, tightenMode, type Notice } from '../private-files.js';

export type { Notice };


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
    tightenMode(path, stats, 0o600, notice);
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
