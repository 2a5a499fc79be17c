/**
 * The Postgres behind the local Supabase server: PGlite (in-process, one
 * connection) or a real PostgreSQL server (a pool; each test server gets a
 * fresh database of its own, dropped on close). Either way the Supabase
 * baseline (baseline.sql) and then supabase/migrations/*.sql (or SQL generated
 * for another registry) are loaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { packageRoot, readPackageVersion } from '../package-root.js';

const ROOT = packageRoot(import.meta.url);
const MIGRATIONS = join(ROOT, 'supabase', 'migrations');
// Next to this module in src/, and next to dist/dev-server.mjs (copied by scripts/build.mjs).
const BASELINE = fileURLToPath(new URL('./baseline.sql', import.meta.url));

export interface Row {
  [column: string]: unknown;
}

/** One connection's view: parameters are $1, $2, … */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in a transaction on a connection of its own; commit if it resolves, roll back if it throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** One statement outside any explicit transaction. */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** A script of several statements (e.g. a later migration), without parameters. */
  exec(sql: string): Promise<void>;
  /** A dedicated connection (real PostgreSQL only: concurrency tests). */
  connect(): Promise<SqlSession & { release(): void }>;
  /** LISTEN on `channel`: `onNotify` gets each NOTIFY's payload once its transaction commits. Resolves once listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** How to fill a new database: `sql` (e.g. generateSupabaseSql(registry)) instead of supabase/migrations. */
export interface SchemaOptions {
  sql?: string;
}

/** baseline.sql, then every migration in file-name order (or `options.sql`). */
export function schemaScripts(options: SchemaOptions = {}): { name: string; sql: string }[] {
  const migrations =
    options.sql !== undefined
      ? [{ name: 'the given SQL', sql: options.sql }]
      : readdirSync(MIGRATIONS)
          .filter((f) => f.endsWith('.sql'))
          .sort()
          .map((f) => ({ name: `supabase/migrations/${f}`, sql: readFileSync(join(MIGRATIONS, f), 'utf8') }));
  return [{ name: 'baseline.sql', sql: readFileSync(BASELINE, 'utf8') }, ...migrations];
}

async function loadSchema(exec: (sql: string) => Promise<unknown>, options: SchemaOptions): Promise<void> {
  await runScripts(exec, schemaScripts(options));
}

async function runScripts(exec: (sql: string) => Promise<unknown>, scripts: { name: string; sql: string }[]): Promise<void> {
  for (const script of scripts) {
    try {
      await exec(script.sql);
    } catch (error) {
      throw new Error(`loading ${script.name}: ${(error as Error).message}`, { cause: error });
    }
  }
}

export interface PgliteOptions extends SchemaOptions {
  /** Keep the database in this directory: reopened with its data, new migrations applied. Default: in memory. */
  dataDir?: string;
  /** Where to cache the loaded schema as a snapshot (default .convoy-tmp in the package); unwritable: no cache. */
  cacheDir?: string;
}

/**
 * PGlite with the schema loaded. In memory, the loaded data directory is
 * cached (keyed by the SQL and the PGlite version), so later starts skip
 * initdb and the migrations (not for `options.sql`: loaded every time).
 * With `dataDir`, the data persists there.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGlite;
  if (options.dataDir !== undefined) db = await openPersistent(PGlite, options.dataDir, options);
  else if (options.sql !== undefined) {
    // Another registry's SQL (a test's own tables): loaded fresh, not cached,
    // so it never evicts the snapshot of the project's migrations.
    db = await PGlite.create({ relaxedDurability: true });
    await loadSchema((sql) => db.exec(sql), options);
  } else db = await openCached(PGlite, options.cacheDir ?? join(ROOT, '.convoy-tmp'), options);
  return {
    kind: 'pglite',
    transaction: (fn) => db.transaction((tx) => fn({ query: async (sql, params) => (await tx.query<Row>(sql, params)).rows })),
    query: async (sql, params) => (await db.query<Row>(sql, params)).rows,
    exec: async (sql) => void (await db.exec(sql)),
    connect: () => Promise.reject(new Error('PGlite has a single connection; use real PostgreSQL (DATABASE_URL) for this')),
    listen: async (channel, onNotify) => void (await db.listen(channel, onNotify)),
    close: () => db.close(),
  };
}

type PgliteClass = typeof import('@electric-sql/pglite').PGlite;

async function openCached(PGlite: PgliteClass, cacheDir: string, options: SchemaOptions): Promise<PGlite> {
  const hash = createHash('sha256').update(readPackageVersion(ROOT, '@electric-sql/pglite'));
  for (const s of schemaScripts(options)) hash.update(s.name).update(s.sql);
  const cacheFile = join(cacheDir, `pglite-${hash.digest('hex').slice(0, 16)}.tar.gz`);
  if (existsSync(cacheFile)) return await PGlite.create({ loadDataDir: new Blob([readFileSync(cacheFile)]), relaxedDurability: true });
  const db = await PGlite.create({ relaxedDurability: true });
  await loadSchema((sql) => db.exec(sql), options);
  try {
    const dump = await db.dumpDataDir('gzip');
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, cacheFile);
    // Snapshots of older SQL are never used again.
    for (const old of readdirSync(cacheDir).filter((f) => /^pglite-[0-9a-f]{16}\.tar\.gz$/.test(f) && join(cacheDir, f) !== cacheFile)) {
      rmSync(join(cacheDir, old), { force: true });
    }
  } catch (error) {
    // A read-only install: start without the cache rather than not at all.
    if (!['EACCES', 'EROFS', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  return db;
}

/**
 * PGlite kept in `dataDir`. The scripts applied are recorded (by name and
 * content hash) in convoy_dev.applied; on each open, every script not yet
 * applied as it is now runs (they are idempotent), so a newer package's
 * migrations reach an older data directory.
 */
async function openPersistent(PGlite: PgliteClass, dataDir: string, options: SchemaOptions): Promise<PGlite> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  await db.exec('create schema if not exists convoy_dev; create table if not exists convoy_dev.applied (name text primary key, sha256 text not null)');
  const applied = new Map((await db.query<{ name: string; sha256: string }>('select name, sha256 from convoy_dev.applied')).rows.map((r) => [r.name, r.sha256]));
  for (const script of schemaScripts(options)) {
    const sha = createHash('sha256').update(script.sql).digest('hex');
    if (applied.get(script.name) === sha) continue;
    await runScripts((sql) => db.exec(sql), [script]);
    await db.query('insert into convoy_dev.applied (name, sha256) values ($1, $2) on conflict (name) do update set sha256 = excluded.sha256', [script.name, sha]);
  }
  return db;
}

/**
 * A fresh database on the PostgreSQL server at `url` (the role needs
 * CREATEDB and, unless superuser, CREATEROLE the first time), with the
 * schema loaded; `close` drops it.
 */
export async function openPostgres(url: string, options: SchemaOptions = {}): Promise<Database> {
  // Loaded only here: the installed package's stand-in runs on PGlite, without `pg`.
  const { default: pg } = await import('pg');
  const name = `convoy_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 10 });
  pool.on('error', () => {
    // An idle client lost its connection (server stopped): the next query reports it.
  });
  try {
    await loadSchema((sql) => pool.query(sql), options);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const query = async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as Row[];
  const listeners: import('pg').Client[] = [];
  return {
    kind: 'postgres',
    query,
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({ query: async (sql, params) => (await client.query(sql, params)).rows as Row[] });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async connect() {
      const client = await pool.connect();
      return { query: async (sql, params) => (await client.query(sql, params)).rows as Row[], release: () => client.release() };
    },
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: target.toString() });
      client.on('error', () => undefined); // the server went away: nothing more to hear
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      await client.query(`listen "${channel.replace(/"/g, '""')}"`);
      listeners.push(client);
    },
    async close() {
      await Promise.all(listeners.map((client) => client.end().catch(() => undefined)));
      await pool.end();
      const drop = new pg.Client({ connectionString: url });
      await drop.connect();
      try {
        await drop.query(`drop database if exists ${name} with (force)`);
      } finally {
        await drop.end();
      }
    },
  };
}
