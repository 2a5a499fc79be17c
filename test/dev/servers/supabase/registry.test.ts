/**
 * The SQL is generated for any registry, not just convoy's tables: three
 * other tables (text, enum with and without a default, nullable enum, time,
 * refs; each conflict policy but local-wins) go through the local Supabase
 * server end to end: rules with checkFields's messages, creates and updates
 * pushed and pulled, settled by each table's own policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTable, f } from '../../../../src/schema/declare.js';
import { defaultPolicies, type Registry } from '../../../../src/schema/registry.js';
import { checkFields } from '../../../../src/schema/rules.js';
import type { Fields, PullPage, PushBatch, PushResult } from '../../../../src/schema/protocol.js';
import { createSupabaseBackend } from '../../../../src/sync/backends/supabase/index.js';
import type { Backend } from '../../../../src/sync/backend.js';
import { newClientId, newId } from '../../../sync/contract-helpers.js';
import { ruleCases } from './rule-cases.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';

const notes = defineTable({
  name: 'notes',
  noun: 'note',
  policy: 'last-write-wins',
  fields: {
    body: f.text({ max: 2000, multiline: true, required: true }),
    priority: f.enum(['low', 'high'], { default: 'low' }),
    remindAt: f.time({ nullable: true }),
  },
});
const labels = defineTable({
  name: 'labels',
  noun: 'label',
  policy: 'remote-wins',
  fields: { name: f.text({ max: 50, required: true }), color: f.enum(['red', 'green', 'blue'], { nullable: true }) },
});
const links = defineTable({
  name: 'note_links',
  noun: 'link',
  policy: 'manual',
  fields: { noteId: f.ref('notes'), labelId: f.ref('labels'), url: f.text({ max: 300 }) },
});
const REGISTRY: Registry = [notes, labels, links];

let server: SupabaseTestServer;
let backend: Backend;
beforeAll(async () => {
  server = await startSupabaseServer({ registry: REGISTRY, databaseUrl: null });
  backend = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken('ada') });
});
afterAll(async () => {
  await backend?.close();
  await server?.close();
});

// The client's wire types name convoy's own tables; these batches carry others.
const push = (batch: { clientId: string; ops: unknown[] }): Promise<PushResult> =>
  backend.push({ ...batch, policies: defaultPolicies(REGISTRY) } as unknown as PushBatch);
const pull = (table: string, cursor = 0): Promise<PullPage> => backend.pull({ table, cursor, limit: 100 } as never);

describe('SQL generated for another registry', () => {
  it('checks each table’s fields as checkFields does', async () => {
    for (const table of REGISTRY) {
      for (const [fields, kind] of ruleCases(table)) {
        const [row] = await server.db.query('select convoy.check_fields($1, $2::json, $3) as problem', [table.name, JSON.stringify(fields), kind]);
        expect(row?.problem ?? null, `${table.name} ${kind} ${JSON.stringify(fields).slice(0, 80)}`).toEqual(checkFields(table, fields, kind));
      }
    }
  });

  it('pushes and pulls a create and an update of each table', async () => {
    const clientId = newClientId();
    const [note, label, link] = [newId(), newId(), newId()];
    const created: [string, string, Fields][] = [
      ['notes', note, { body: 'first\nline', remindAt: null, createdAt: 1_700_000_000_000 }],
      ['labels', label, { name: 'urgent', color: null, createdAt: 1_700_000_000_001 }],
      ['note_links', link, { noteId: note, labelId: label, url: null, createdAt: 1_700_000_000_002 }],
    ];
    const ops = created.map(([table, recordId, fields], i) => ({ seq: i + 1, table, recordId, kind: 'create', fields, baseVersion: null, clientTime: 1 }));
    const first = await push({ clientId, ops });
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    // A defaulted enum left out of a create takes its default.
    expect(first.results[0]).toMatchObject({ fields: { body: 'first\nline', priority: 'low', remindAt: null } });

    const versions = first.results.map((r) => ('version' in r ? r.version : 0));
    const changes: Fields[] = [{ priority: 'high', remindAt: 1_800_000_000_000 }, { color: 'green' }, { url: 'https://example.test/a' }];
    const second = await push({
      clientId,
      ops: created.map(([table, recordId], i) => ({ seq: 4 + i, table, recordId, kind: 'update', fields: changes[i], baseVersion: versions[i], clientTime: 2 })),
    });
    expect(second.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);

    for (const [i, [table, recordId, fields]] of created.entries()) {
      const page = await pull(table);
      expect(page.changes).toEqual([{ recordId, version: versions[i]! + 3, fields: expect.objectContaining({ ...fields, ...changes[i] }) }]);
      expect(page.headVersion).toBe(6);
    }
  });

  it('rejects by the declared rules and settles by each table’s policy', async () => {
    const clientId = newClientId();
    const label = newId();
    const results = await push({
      clientId,
      ops: [
        { seq: 1, table: 'notes', recordId: newId(), kind: 'create', fields: { body: 'x', priority: 'urgent' }, baseVersion: null, clientTime: 1 },
        { seq: 2, table: 'labels', recordId: label, kind: 'create', fields: { name: 'mine', color: 'red' }, baseVersion: null, clientTime: 1 },
      ],
    });
    expect(results.results[0]).toEqual({ seq: 1, status: 'rejected', reason: checkFields(notes, { body: 'x', priority: 'urgent' }, 'create')!.message });
    const base = 'version' in results.results[1]! ? results.results[1].version : 0;
    // Another replica recolours the label; this one's stale update loses (remote-wins).
    await push({ clientId: newClientId(), ops: [{ seq: 1, table: 'labels', recordId: label, kind: 'update', fields: { color: 'blue' }, baseVersion: base, clientTime: 5 }] });
    const stale = await push({ clientId, ops: [{ seq: 3, table: 'labels', recordId: label, kind: 'update', fields: { color: 'green' }, baseVersion: base, clientTime: 9 }] });
    expect(stale.results[0]).toMatchObject({
      status: 'conflict',
      fields: { color: 'blue' },
      conflicts: [{ field: 'color', local: 'green', remote: 'blue', policy: 'remote-wins', winner: 'remote' }],
    });
  });

  it('names the registry’s tables when asked for another', async () => {
    await expect(pull('tasks')).rejects.toThrow(/unknown table tasks; use notes, labels or note_links/);
  });
});
