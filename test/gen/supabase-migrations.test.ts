/**
 * Supabase migrations are append-only: a changed declaration gets a new
 * generated migration, which brings a database made by an earlier one up to
 * date without losing its rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTable, f } from '../../src/schema/declare.js';
import { defaultPolicies } from '../../src/schema/registry.js';
import { TABLES, tasks } from '../../src/schema/tables.js';
import { generateSupabaseSql, supabaseMigrationPath } from '../../src/gen/supabase-sql.js';
import { createSupabaseBackend } from '../../src/sync/backends/supabase/index.js';
import type { Backend } from '../../src/sync/backend.js';
import { newClientId, newId } from '../sync/contract-helpers.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../src/dev/servers/supabase/server.js';

describe('supabaseMigrationPath', () => {
  const at = new Date('2026-12-01T10:20:30Z');
  const files: Record<string, string> = { '20261122000000_convoy.sql': 'v1', 'README.md': 'not a migration' };
  const read = (name: string) => files[name]!;

  it('keeps the newest generated migration when it already holds the SQL', () => {
    expect(supabaseMigrationPath(Object.keys(files), read, 'v1', at)).toBe('supabase/migrations/20261122000000_convoy.sql');
  });

  it('appends a new migration, dated now, when the SQL changed', () => {
    expect(supabaseMigrationPath(Object.keys(files), read, 'v2', at)).toBe('supabase/migrations/20261201102030_convoy.sql');
  });

  it('dates a new migration after the newest even when the clock is behind it', () => {
    expect(supabaseMigrationPath(Object.keys(files), read, 'v2', new Date('2026-01-01T00:00:00Z'))).toBe(
      'supabase/migrations/20261122000001_convoy.sql',
    );
  });
});

describe('a later generated migration on top of an earlier one', () => {
  // The next version of the schema: tasks gain a priority, and a table of notes appears.
  const tasksV2 = defineTable({
    name: tasks.name,
    noun: tasks.noun,
    policy: tasks.policy,
    fields: { ...tasks.fields, priority: f.enum(['H', 'M', 'L'], { nullable: true }) },
  });
  const notes = defineTable({ name: 'notes', noun: 'note', policy: 'local-wins', fields: { body: f.text({ max: 1000, required: true }) } });
  const V2 = [...TABLES.filter((t) => t.name !== tasks.name), tasksV2, notes];
  let server: SupabaseTestServer;
  let backend: Backend;

  beforeAll(async () => {
    server = await startSupabaseServer({ registry: TABLES, databaseUrl: null });
    backend = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken('alice') });
  });
  afterAll(async () => {
    await backend?.close();
    await server?.close();
  });

  it('adds the new column and table, keeps the rows, and syncs the new fields', async () => {
    const clientId = newClientId();
    const [old, fresh, note] = [newId(), newId(), newId()];
    const op = (seq: number, table: string, recordId: string, fields: Record<string, string | number | null>) => ({
      seq, table, recordId, kind: 'create' as const, fields: { createdAt: 1, ...fields }, baseVersion: null, clientTime: 1,
    });
    const before = await backend.push({ clientId, policies: defaultPolicies(TABLES), ops: [op(1, 'tasks', old, { title: 'before' })] });
    expect(before.results[0]).toMatchObject({ status: 'applied' });

    await server.db.exec(generateSupabaseSql(V2));

    const after = await backend.push({
      clientId,
      policies: defaultPolicies(V2),
      ops: [op(2, 'tasks', fresh, { title: 'after', priority: 'H' }), op(3, 'notes', note, { body: 'hello' })],
    });
    expect(after.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const pulled = await backend.pull({ table: 'tasks', cursor: 0, limit: 100 });
    const byId = new Map(pulled.changes.map((c) => [c.recordId, c.fields]));
    expect(byId.get(old)).toMatchObject({ title: 'before', priority: null });
    expect(byId.get(fresh)).toMatchObject({ title: 'after', priority: 'H' });
    const notesPage = await backend.pull({ table: 'notes', cursor: 0, limit: 100 });
    expect(notesPage.changes.map((c) => c.fields.body)).toEqual(['hello']);
    // The new rule is enforced too.
    const bad = await backend.push({ clientId, policies: defaultPolicies(V2), ops: [{ ...op(4, 'tasks', newId(), { title: 'x', priority: 'urgent' }) }] });
    expect(bad.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/priority "urgent" is not one of H, M, L/) });
  });

  it('is harmless to apply twice', async () => {
    await expect(server.db.exec(generateSupabaseSql(V2))).resolves.toBeUndefined();
  });
});
