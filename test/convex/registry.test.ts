/**
 * The Convex functions are built from the table declarations: the local
 * Convex server, started with a registry of other tables, stores, settles
 * and serves them through the real `convex` client with no per-table code.
 */
import { ConvexHttpClient } from 'convex/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../convex/_generated/api.js';
import { convexSchema } from '../../convex/model/schema.js';
import { defineTable, f } from '../../src/schema/declare.js';
import { defaultPolicies, type Registry } from '../../src/schema/registry.js';
import type { Backend } from '../../src/sync/backend.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { newId, OpSeq, pullAll, versionOf } from '../sync/contract-helpers.js';

const REGISTRY: Registry = [
  defineTable({
    name: 'boards',
    noun: 'board',
    policy: 'remote-wins',
    fields: { title: f.text({ max: 50, required: true }), color: f.enum(['red', 'blue'], { default: 'red' }) },
  }),
  defineTable({
    name: 'cards',
    noun: 'card',
    policy: 'local-wins',
    fields: {
      body: f.text({ max: 2000, multiline: true }),
      boardId: f.ref('boards'),
      dueAt: f.time({ nullable: true }),
    },
  }),
  defineTable({
    name: 'ticks',
    noun: 'tick',
    policy: 'last-write-wins',
    fields: { mood: f.enum(['up', 'down'], { nullable: true }), note: f.text({ max: 10 }) },
  }),
];

/** A create's fields and an update's, per table. */
const CASES: Record<string, { create: Record<string, string | number | null>; update: Record<string, string | number | null> }> = {
  boards: { create: { title: 'Roadmap', color: 'blue', createdAt: 1 }, update: { title: 'Roadmap 2' } },
  cards: { create: { body: 'line one\nline two', boardId: newId(), dueAt: null, createdAt: 2 }, update: { dueAt: 1_800_000_000_000 } },
  ticks: { create: { mood: null, note: 'meh', createdAt: 3 }, update: { mood: 'up' } },
};

let server: ConvexTestServer;
let backend: Backend;
beforeAll(async () => {
  server = await startConvexServer({ registry: REGISTRY, webSocket: false });
  backend = createConvexBackend({ url: server.url, token: await server.mintToken('alice') });
});
afterAll(async () => {
  await backend?.close();
  await server?.close();
});

describe('the local Convex server with another registry', () => {
  it('pushes and pulls a create and an update of each declared table', async () => {
    const ops = new OpSeq();
    for (const table of REGISTRY) {
      const c = CASES[table.name]!;
      const id = newId();
      const batch = { ...ops.batch([ops.create(id, c.create, table.name)]), policies: defaultPolicies(REGISTRY) };
      const created = await backend.push(batch);
      expect(created.results[0]).toMatchObject({ status: 'applied', fields: c.create });
      const update = ops.update(id, c.update, versionOf(created.results[0]), { table: table.name });
      const updated = await backend.push({ ...batch, ops: [update] });
      expect(updated.results[0]).toMatchObject({ status: 'applied', fields: { ...c.create, ...c.update } });
      const pulled = await pullAll(backend, table.name, 0, 100);
      expect(pulled.records).toEqual([{ recordId: id, version: versionOf(updated.results[0]), fields: { ...c.create, ...c.update } }]);
    }
  });

  it('validates by the declarations: a bad value is a per-op rejection, an undeclared table or field fails the call', async () => {
    const ops = new OpSeq();
    const { results } = await backend.push(ops.batch([ops.create(newId(), { mood: 'sideways', note: 'x' }, 'ticks')]));
    expect(results[0]).toMatchObject({ status: 'rejected', reason: 'mood "sideways" is not one of up, down' });
    await expect(backend.push(ops.batch([ops.create(newId(), { title: 't' }, 'tasks')]))).rejects.toMatchObject({ retryable: false });
    await expect(backend.push(ops.batch([ops.create(newId(), { body: 'b', stage: 'x' }, 'cards')]))).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/field stage is not a field of cards/),
    });
  });

  it('serves generic web writes: defaults from the declaration, the web value wins', async () => {
    const web = new ConvexHttpClient(server.url, { logger: false });
    web.setAuth(await server.mintToken('alice'));
    const id = newId();
    const created = await web.mutation(api.web.create, { table: 'boards', recordId: id, fields: { title: 'From the web' } });
    expect(created.fields).toMatchObject({ title: 'From the web', color: 'red' });
    expect(typeof created.fields.createdAt).toBe('number');
    const refused = await web.mutation(api.web.update, { table: 'boards', recordId: newId(), fields: { title: 'x' } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ data: { code: 'not_found' } });
  });
});

describe('convexSchema', () => {
  it('refuses, when built, declarations Convex cannot store as declared', () => {
    const clash = defineTable({ name: 'boards', noun: 'b', policy: 'manual', fields: { version: f.text({ max: 5 }) } });
    expect(() => convexSchema([clash])).toThrow(/boards\.version clashes with the record bookkeeping/);
    const own = defineTable({ name: 'counters', noun: 'c', policy: 'manual', fields: {} });
    expect(() => convexSchema([own])).toThrow(/clashes with convoy's own counters table/);
  });
});
