/**
 * Hot statements, compiled once per connection. The SQL comes from drizzle
 * (schema and query builder stay the single source of truth); it runs through
 * better-sqlite3 directly with positional parameters, because drizzle's
 * per-run parameter mapping costs more than SQLite itself in 100k-row imports
 * and pulls.
 */
import type Database from 'better-sqlite3';
import { is, Param, Placeholder } from 'drizzle-orm';
import type { Store } from './open.js';

type Values = Record<string, unknown>;

/** A compiled statement: `run` for writes, `all` for reads (rows keyed by column name). */
export interface Compiled {
  run(values: Values): Database.RunResult;
  all<T = Record<string, unknown>>(values: Values): T[];
}

interface ToSql {
  toSQL(): { sql: string; params: unknown[] };
}

const cache = new WeakMap<Database.Database, Map<string, Compiled>>();

/** Whether a column's driver mapping leaves strings and numbers as they are. */
function isIdentity(map: (v: unknown) => unknown): boolean {
  try {
    return map('x') === 'x' && map(7) === 7;
  } catch {
    return false; // e.g. a Date column: it maps, so keep the call
  }
}

const toDriver = (value: unknown) => (value === undefined ? null : typeof value === 'boolean' ? Number(value) : value);

/**
 * The statement cached under `key` for this connection, built on first use
 * from a drizzle query whose varying values are `sql.placeholder(name)`s.
 */
export function compiled(replica: Store, key: string, build: () => ToSql): Compiled {
  let byKey = cache.get(replica.sqlite);
  if (!byKey) cache.set(replica.sqlite, (byKey = new Map()));
  let statement = byKey.get(key);
  if (!statement) {
    const { sql, params } = build().toSQL();
    const stmt = replica.sqlite.prepare(sql);
    // Each parameter is a named placeholder, bare or wrapped in a column's Param
    // (filled per run, as drizzle's fillPlaceholders does), or a constant.
    type Slot = { name: string; encode: (v: unknown) => unknown } | { name?: undefined; value: unknown };
    const slots = params.map((p): Slot => {
      if (is(p, Placeholder)) return { name: p.name as string, encode: toDriver };
      if (is(p, Param) && is(p.value, Placeholder)) {
        const param = p as Param;
        const name = (p.value as Placeholder).name as string;
        // Text and integer columns map values to themselves: skip the call per value.
        const identity = isIdentity((v) => param.encoder.mapToDriverValue(v));
        if (identity) return { name, encode: toDriver };
        return { name, encode: (v: unknown) => toDriver(v === null || v === undefined ? null : param.encoder.mapToDriverValue(v)) };
      }
      return { value: toDriver(p) };
    });
    const bind = (values: Values) => slots.map((slot) => (slot.name === undefined ? slot.value : slot.encode(values[slot.name])));
    statement = {
      run: (values) => stmt.run(...bind(values)),
      all: <T>(values: Values) => stmt.all(...bind(values)) as T[],
    };
    byKey.set(key, statement);
  }
  return statement;
}
