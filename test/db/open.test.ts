import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { SCHEMA_VERSION } from '../../src/db/migrate.js';
import { clientId } from '../../src/db/sync-state.js';
import { ConfigError } from '../../src/errors.js';
import { tempHome } from '../helpers/replica.js';

describe('openReplica', () => {
  it('creates, migrates and configures a new replica', () => {
    const path = join(tempHome(), 'nested', 'replica.db');
    const replica = openReplica(path);
    expect(replica.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(replica.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(replica.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(replica.sqlite.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = replica.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['tasks', 'projects', 'outbox', 'sync_state', 'conflicts', 'meta', '__drizzle_migrations']));
    replica.close();
  });

  it('keeps the same client id across opens', () => {
    const path = join(tempHome(), 'replica.db');
    const first = openReplica(path);
    const id = clientId(first);
    first.close();
    const second = openReplica(path);
    expect(clientId(second)).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    second.close();
  });

  it('refuses a replica written by a newer convoy without modifying it', () => {
    const path = join(tempHome(), 'replica.db');
    openReplica(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = readFileSync(path);
    expect(() => openReplica(path)).toThrow(ConfigError);
    expect(() => openReplica(path)).toThrow(/newer than this convoy/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not a SQLite database', () => {
    const path = join(tempHome(), 'replica.db');
    writeFileSync(path, 'this is not sqlite, just some text that is long enough to have a header '.repeat(10));
    expect(() => openReplica(path)).toThrow(/is not a convoy replica/);
  });

  it('lets two connections migrate the same fresh file without error', () => {
    const path = join(tempHome(), 'replica.db');
    const a = openReplica(path);
    const b = openReplica(path);
    expect(clientId(a)).toBe(clientId(b));
    a.close();
    b.close();
  });
});
