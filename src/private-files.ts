/**
 * Private files and folders: convoy's data and config are the user's alone
 * (folders 0700, files 0600). Shared by the replica and the config store;
 * imports nothing but node:fs and the error classes.
 */
import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { ConfigError } from './errors.js';

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

export function statOrNull(path: string): Stats | null {
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
    throw new ConfigError(`the convoy ${what} ${dir} is not a folder; set CONVOY_HOME to a folder`);
  }
  if (!stats) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(`cannot create the convoy ${what} ${dir}: ${describeFsError(error)}; set CONVOY_HOME to a folder you can write`);
    }
    return;
  }
  tightenMode(dir, stats, 0o700, notice);
}

/** Remove group/other access from a file or folder we own, with a notice. Never throws. */
export function tightenMode(path: string, stats: Stats, mode: number, notice: Notice): void {
  if ((stats.mode & 0o077) === 0 || stats.uid !== process.getuid?.()) return;
  try {
    chmodSync(path, mode);
    notice(`note: ${path} was readable by other users (mode ${(stats.mode & 0o777).toString(8)}); tightened to ${mode.toString(8)}`);
  } catch {
    // not ours to change (read-only file system): leave it
  }
}
