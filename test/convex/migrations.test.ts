/**
 * convex/migrations.ts in the convex-test runtime: documents written before
 * workspaces (keyed by `userId`) move into their user's personal workspace,
 * and the user's replicas carry on as before: the records are served at
 * their versions, the counter goes on from where it was, and a replica's
 * acknowledged ops are not applied again.
 */
import { convexTest } from 'convex-test';
import { makeFunctionReference, type GenericDatabaseWriter, type GenericDataModel } from 'convex/server';
import { expect, it } from 'vitest';
import { MIGRATED_TABLES, MIGRATION_PAGE } from '../../convex/migrations.js';
import schema from '../../convex/schema.js';
import { loadModules } from '../../src/dev/servers/convex/runtime.js';
import type { PullPage, PushResult } from '../../src/schema/protocol.js';
import { newId, OpSeq, taskFields } from '../sync/contract-helpers.js';

const migrate = makeFunctionReference<'mutation'>('migrations:workspaceIds');
const pull = makeFunctionReference<'query'>('pull:pull');
const push = makeFunctionReference<'mutation'>('push:push');

// The synced tables come from the registry at load: the schema's type does not name them.
const untyped = (db: unknown) => db as GenericDatabaseWriter<GenericDataModel>;

/** A task document as convoy wrote it before workspaces. */
function oldTask(userId: string, recordId: string, version: number, title: string) {
  const fields = taskFields(title);
  const writers = Object.fromEntries(Object.keys(fields).map((f) => [f, 'client-old']));
  return { userId, recordId, version, ...fields, fieldVersions: Object.fromEntries(Object.keys(fields).map((f) => [f, version])), fieldWriters: writers, fieldTimes: {} };
}

it('moves per-user documents into the personal workspace, page by page, and the user carries on', async () => {
  const t = convexTest({ schema, modules: loadModules() });
  const ids = Array.from({ length: MIGRATION_PAGE + 20 }, () => newId());
  const replica = new OpSeq('client-old');
  await t.run(async ({ db: typed }) => {
    const db = untyped(typed);
    for (const [i, id] of ids.entries()) await db.insert('tasks', oldTask('alice', id, i + 1, `old ${i}`));
    await db.insert('tasks', oldTask('bob', newId(), 1, 'bob’s'));
    await db.insert('counters', { userId: 'alice', value: ids.length });
    await db.insert('counters', { userId: 'bob', value: 1 });
    await db.insert('clients', { userId: 'alice', clientId: replica.clientId, lastSeq: 1 });
  });
  // Before the migration the old documents are not served.
  const alice = t.withIdentity({ subject: 'alice' });
  expect(((await alice.query(pull, { table: 'tasks', cursor: 0, limit: 10 })) as PullPage).changes).toEqual([]);

  const steps = [];
  let args: { table?: string; cursor?: string | null } = {};
  for (;;) {
    const step = (await t.mutation(migrate, { ...args, schedule: false })) as { table: string | null; cursor: string | null; moved: number; done: boolean };
    steps.push(step);
    if (step.done) break;
    args = { table: step.table!, cursor: step.cursor };
  }
  expect(steps.reduce((n, s) => n + s.moved, 0)).toBe(ids.length + 1 + 2 + 1);
  expect(steps.length).toBeGreaterThanOrEqual(MIGRATED_TABLES.length + 1);

  const page = (await alice.query(pull, { table: 'tasks', cursor: 0, limit: 1000 })) as PullPage;
  expect(page.changes.map((c) => c.recordId)).toEqual(ids);
  expect(page.headVersion).toBe(ids.length);
  expect(page.changes[3]?.fields.title).toBe('old 3');
  // The replica's acknowledged op (seq 1) is answered, not applied again; a new one takes the next version.
  const result = (await alice.mutation(push, replica.batch([replica.create(ids[0]!, taskFields('resent')), replica.create(newId(), taskFields('new'))]))) as PushResult;
  expect(result.results[0]).toMatchObject({ seq: 1, status: 'applied', version: 1, fields: { title: 'old 0' } });
  expect(result.results[1]).toMatchObject({ seq: 2, status: 'applied', version: ids.length + 1 });
  const bob = (await t.withIdentity({ subject: 'bob' }).query(pull, { table: 'tasks', cursor: 0, limit: 10 })) as PullPage;
  expect(bob.changes.map((c) => c.fields.title)).toEqual(['bob’s']);

  await t.run(async ({ db }) => {
    const client = await db.query('clients').first();
    expect(client).toMatchObject({ workspaceId: 'alice', userId: 'alice', lastSeq: 2 });
    expect((await untyped(db).query('tasks').first())?.userId).toBeUndefined();
  });
  // Running it again changes nothing.
  expect(await t.mutation(migrate, { table: 'counters', schedule: false })).toMatchObject({ moved: 0 });
});
