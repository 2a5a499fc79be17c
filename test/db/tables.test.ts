/**
 * The replica's synced tables as migrated (drizzle/) must be exactly what the
 * declarations generate (src/db/tables.generated.ts): a field declared and
 * generated but never migrated (`npm run db:generate`) fails here, not in a
 * user's replica.
 */
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { LOCAL_INDEXES } from '../../src/db/local-columns.js';
import { SYNC_TABLES } from '../../src/db/registry.js';
import { TABLES } from '../../src/schema/tables.js';
import { tempReplica } from '../helpers/replica.js';

interface ColumnInfo {
  name: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

it('registers every declared table, in declaration order', () => {
  expect(SYNC_TABLES.map((s) => s.name)).toEqual(TABLES.map((t) => t.name));
});

describe.each(SYNC_TABLES.map((spec) => [spec.name, spec] as const))('%s', (name, spec) => {
  it('has the migrated columns, nullability and defaults of its generated drizzle table', () => {
    const replica = tempReplica();
    const migrated = replica.sqlite.prepare(`PRAGMA table_xinfo(${name})`).all() as ColumnInfo[];
    const generated = Object.values(getTableColumns(spec.table)).map((c) => ({
      name: c.name,
      notnull: c.notNull || c.primary ? 1 : 0,
      dflt_value: c.hasDefault ? `'${String(c.default)}'` : null,
    }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(migrated.map(({ name, notnull, dflt_value }) => ({ name, notnull, dflt_value })).sort(byName)).toEqual(generated.sort(byName));
  });

  it('has the migrated indexes of its declaration, and the id tail index', () => {
    const replica = tempReplica();
    const migrated = (replica.sqlite.prepare(`PRAGMA index_list(${name})`).all() as { name: string; origin: string }[])
      .filter((i) => i.origin === 'c')
      .map((i) => (replica.sqlite.prepare(`PRAGMA index_info(${i.name})`).all() as { name: string }[]).map((c) => c.name));
    const generated = getTableConfig(spec.table).indexes.map((i) => i.config.columns.map((c) => (c as { name: string }).name));
    // Declared indexes, the bookkeeping ones every synced table gets, then the
    // index on its id's tail (short ids).
    const declared = [...[...spec.decl.indexes, ...LOCAL_INDEXES].map((fields) => fields.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))), ['id_tail']];
    expect(generated).toEqual(declared);
    expect(migrated.sort()).toEqual(declared.sort());
  });

  it('stores null from a server as the local default of each NOT NULL field', () => {
    for (const field of spec.fields) {
      const column = getTableColumns(spec.table)[field]!;
      if (column.notNull && spec.decl.fields[field]!.nullable) expect(spec.defaults, field).toHaveProperty(field, column.default);
    }
  });
});
