/**
 * The Supabase SQL (generated from the declarations) mirrors TypeScript the
 * Convex functions run: the field rules (src/schema/rules.ts checkFields)
 * and conflict settlement (src/schema/server/settle.ts settleUpdate). Same
 * inputs, same answers, same messages: checked case by case (hand-picked,
 * and derived from every declared table), and on random updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleUpdate } from '../../../../src/schema/server/settle.js';
import { checkFields } from '../../../../src/schema/rules.js';
import { tableDecl } from '../../../../src/schema/registry.js';
import { TABLES } from '../../../../src/schema/tables.js';
import { CONFLICT_POLICIES, type Fields, type SyncTableName } from '../../../../src/schema/protocol.js';
import { openPglite, type Database } from '../../../../src/dev/servers/supabase/database.js';
import { ruleCases } from './rule-cases.js';

let db: Database;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(() => db?.close());

const uuid = '0193ab12-3456-7890-abcd-ef0123456789';
const task = (extra: Fields = {}): Fields => ({
  title: 'ok', description: null, status: 'todo', stage: null, projectId: null, parentId: null, completedAt: null, createdAt: 1_700_000_000_000, ...extra,
});

const RULE_CASES: [SyncTableName, Fields, 'create' | 'update'][] = [
  ['tasks', task(), 'create'],
  ['tasks', task({ title: '' }), 'create'],
  ['tasks', task({ title: ' \t ' }), 'create'],
  ['tasks', task({ title: '\u00a0\u2003\ufeff' }), 'create'],
  ['tasks', task({ title: 'x'.repeat(500) }), 'create'],
  ['tasks', task({ title: 'x'.repeat(501) }), 'create'],
  ['tasks', task({ title: '😀'.repeat(250) }), 'create'],
  ['tasks', task({ title: '😀'.repeat(251) }), 'create'],
  ['tasks', task({ title: 'two\nlines' }), 'create'],
  ['tasks', task({ title: 'nul\u0000inside' }), 'create'],
  ['tasks', task({ title: 'c1\u0085' }), 'create'],
  ['tasks', task({ title: 42 }), 'create'],
  ['tasks', task({ title: null }), 'create'],
  ['tasks', { stage: 'only stage' }, 'update'],
  ['tasks', { title: null }, 'update'],
  ['tasks', task({ description: 'multi\nline\twith tab' }), 'create'],
  ['tasks', task({ description: 'bell\u0007' }), 'create'],
  ['tasks', task({ description: '\\u0000 is not a NUL' }), 'create'],
  ['tasks', task({ status: 'nope' }), 'create'],
  ['tasks', task({ status: 5 }), 'create'],
  ['tasks', { status: null }, 'update'],
  ['tasks', { title: 'no status' }, 'create'],
  ['tasks', task({ stage: 'x'.repeat(101) }), 'create'],
  ['tasks', task({ projectId: uuid }), 'create'],
  ['tasks', task({ projectId: uuid.toUpperCase() }), 'create'],
  ['tasks', task({ parentId: 5 }), 'create'],
  ['tasks', task({ completedAt: -1 }), 'create'],
  ['tasks', task({ completedAt: 'yesterday' }), 'create'],
  ['tasks', task({ createdAt: null }), 'create'],
  ['tasks', task({ createdAt: 1.5 }), 'create'],
  ['tasks', { ...task(), color: 'red' }, 'create'],
  ['projects', { name: 'p', description: null, createdAt: 1 }, 'create'],
  ['projects', { description: null, createdAt: 1 }, 'create'],
  ['projects', { name: 'x'.repeat(201) }, 'update'],
  ['projects', { name: 'ok', title: 'wrong table' }, 'update'],
];

describe('SQL mirrors of the TypeScript rules', () => {
  it('syncs exactly the declared fields, in order, in every per-table mapping', async () => {
    for (const table of TABLES) {
      const [mapped] = await db.query('select array(select c.field from convoy.field_columns($1) c) as fields', [table.name]);
      expect(mapped?.fields).toEqual(table.fieldNames);
      const [row] = await db.query('select convoy.row_fields($1, $2::jsonb) as fields', [table.name, '{}']);
      expect(Object.keys(row?.fields as object).sort()).toEqual([...table.fieldNames].sort());
    }
  });

  it('convoy.check_fields gives checkFields’s verdict and message', async () => {
    const cases = [...RULE_CASES, ...TABLES.flatMap((t) => ruleCases(t).map(([fields, kind]) => [t.name, fields, kind] as const))];
    for (const [table, fields, kind] of cases) {
      const [row] = await db.query('select convoy.check_fields($1, $2::json, $3) as problem', [table, JSON.stringify(fields), kind]);
      expect(row?.problem ?? null, `${table} ${kind} ${JSON.stringify(fields).slice(0, 80)}`).toEqual(checkFields(tableDecl(table), fields, kind));
    }
  });

  it('convoy.settle decides like settleUpdate on random updates', async () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T>(items: readonly T[]): T => items[rand(items.length)]!;
    const values = ['a', 'b', null, 1] as const;
    const fieldsOf = ['title', 'stage', 'description'];
    for (let i = 0; i < 150; i++) {
      const current = Object.fromEntries(fieldsOf.map((f) => [f, pick(values)]));
      const fieldVersions = Object.fromEntries(fieldsOf.filter(() => rand(4) > 0).map((f) => [f, rand(6)]));
      const fieldWriters = Object.fromEntries(Object.keys(fieldVersions).map((f) => [f, pick(['me', 'other', 'web'])]));
      const fieldTimes = Object.fromEntries(Object.keys(fieldVersions).map((f) => [f, pick([0, 100, 200])]));
      const fields = Object.fromEntries(fieldsOf.filter(() => rand(2) > 0).map((f) => [f, pick(values)]));
      const input = { fields, baseVersion: rand(3) === 0 ? null : rand(6), clientTime: pick([50, 100, 150, 250]), clientId: 'me', policy: pick(CONFLICT_POLICIES) };
      const expected = settleUpdate({ ...input, current, fieldVersions, fieldWriters, fieldTimes });
      const [row] = await db.query('select convoy.settle($1::json, $2, $3, $4, $5, $6::jsonb, $7::jsonb) as s', [
        JSON.stringify(fields),
        input.baseVersion,
        input.clientTime,
        input.clientId,
        input.policy,
        JSON.stringify(current),
        JSON.stringify({ field_versions: fieldVersions, field_writers: fieldWriters, field_times: fieldTimes }),
      ]);
      expect(row?.s, JSON.stringify({ input, current, fieldVersions, fieldWriters, fieldTimes })).toEqual(expected);
    }
  });
});
