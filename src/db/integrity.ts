/**
 * Is this file a convoy replica, and is it intact? Both are answered before
 * convoy writes anything into it: another application's SQLite file is
 * refused untouched, and a damaged replica is refused with the way out
 * (`convoy doctor`) instead of being written into.
 */
import type Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';

/** SQLite `application_id` of every convoy replica: "Conv". */
export const APPLICATION_ID = 0x436f6e76;

/** The replica cannot be read reliably. Exit 5, naming `convoy doctor`. */
export class DamagedReplicaError extends ConfigError {
  override name = 'DamagedReplicaError';
  constructor(path: string, detail: string) {
    super(
      `the replica ${path} is damaged (${detail}); run \`convoy doctor\` to set it aside and rebuild it ` +
        'from the server (changes not yet synced are kept where they can still be read)',
    );
  }
}

export type ReplicaKind = 'fresh' | 'convoy' | 'unmarked-convoy';

/** Tables every convoy replica has had since its first schema version. */
const CONVOY_TABLES = ['meta', 'outbox', 'tasks'];

/**
 * What the open file is. An `unmarked-convoy` replica predates the
 * application id (recognised by its tables). Throws ConfigError, having
 * written nothing, when it is another application's database.
 */
export function replicaKind(sqlite: Database.Database, path: string): ReplicaKind {
  const appId = sqlite.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return 'convoy';
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  if (appId === 0 && tables.length === 0 && version === 0) return 'fresh';
  if (appId === 0 && CONVOY_TABLES.every((t) => tables.includes(t))) return 'unmarked-convoy';
  throw new ConfigError(
    `${path} is a SQLite database of another application, not a convoy replica; convoy left it untouched. ` +
      'Move it away or set CONVOY_HOME to another folder',
  );
}

const CHECK_KEY = 'integrity.checkedAt';
const DAY_MS = 86_400_000;

/**
 * Run `PRAGMA quick_check` when it is due: after an unclean shutdown (a
 * process died with the replica open), or once a day. Records the check in
 * `meta`. Throws DamagedReplicaError when the file is damaged.
 */
export function checkIntegrityIfDue(sqlite: Database.Database, path: string, uncleanShutdown: boolean, now: number): void {
  const last = Number(sqlite.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(CHECK_KEY) ?? 0);
  const due = uncleanShutdown || now - last >= DAY_MS || now < last;
  if (!due) return;
  assertIntact(sqlite, path);
  sqlite
    .prepare('INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
    .run(CHECK_KEY, String(now), now);
}

/** Throws DamagedReplicaError unless `PRAGMA quick_check` passes. */
export function assertIntact(sqlite: Database.Database, path: string): void {
  const problems = (sqlite.pragma('quick_check(5)') as { quick_check: string }[])
    .map((r) => r.quick_check.replace(/\s+/g, ' ').trim())
    .filter((r) => r !== 'ok');
  if (problems.length) throw new DamagedReplicaError(path, problems.join('; '));
}

/** Whether an error thrown by SQLite means the file is damaged. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT_INDEX' || code === 'SQLITE_CORRUPT_VTAB';
}
