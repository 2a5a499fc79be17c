/**
 * Applies the drizzle-kit migrations in `drizzle/`. The schema version is kept
 * in SQLite's `user_version` so that an up-to-date replica costs one pragma
 * read on open and never touches the migration files (startup speed).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { v7 as uuidv7 } from 'uuid';
import journal from '../../drizzle/meta/_journal.json' with { type: 'json' };
import { ConfigError } from '../errors.js';
import { APPLICATION_ID } from './integrity.js';

/** The schema version this build of convoy writes. */
export const SCHEMA_VERSION = journal.entries.length;

/** Walk up from this module (source or bundle) to the folder holding `drizzle/`. */
function findMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('convoy is installed without its drizzle/ migrations folder');
    dir = parent;
  }
}

/** Refuse a replica written by a newer convoy before anything modifies it. */
export function assertNotNewer(sqlite: Database.Database, path: string): number {
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new ConfigError(
      `replica ${path} has schema version ${version}, newer than this convoy's ${SCHEMA_VERSION}; upgrade convoy (npm install -g convoy@latest) to use it`,
    );
  }
  return version;
}

/**
 * Bring the replica to SCHEMA_VERSION. Transactional (BEGIN IMMEDIATE, so two
 * processes opening a fresh replica at once serialise instead of both
 * migrating). The first migration also creates this replica's client id.
 * Applied migrations are recorded in drizzle's `__drizzle_migrations` table too.
 */
export function migrate(sqlite: Database.Database, path: string): void {
  const migrations = readMigrationFiles({ migrationsFolder: findMigrationsFolder() });
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const current = assertNotNewer(sqlite, path);
    sqlite.exec(
      'CREATE TABLE IF NOT EXISTS __drizzle_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)',
    );
    const record = sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)');
    for (const migration of migrations.slice(current)) {
      for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
      record.run(migration.hash, migration.folderMillis);
    }
    if (current === 0) {
      sqlite.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('clientId', ?, ?)").run(uuidv7(), Date.now());
    }
    // Marks the file as convoy's, so another program's database is never taken for a replica.
    sqlite.pragma(`application_id = ${APPLICATION_ID}`);
    sqlite.pragma(`user_version = ${migrations.length}`);
    sqlite.exec('COMMIT');
  } catch (error) {
    sqlite.exec('ROLLBACK');
    throw error;
  }
}
