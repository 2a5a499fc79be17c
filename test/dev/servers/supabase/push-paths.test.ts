/**
 * convoy_push applies most ops set-based (records a batch touches once, no
 * settling needed) and the rest op by op through the stamp trigger. Both
 * paths must leave the same bookkeeping and answer in op order; these cases
 * mix them in one batch and look at the rows themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseBackend } from '../../../../src/sync/backends/supabase/index.js';
import type { Backend } from '../../../../src/sync/backend.js';
import { headOf, newId, OpSeq, taskFields, versionOf } from '../../../sync/contract-helpers.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';
import { supabaseWebClient } from './web-client.js';

let server: SupabaseTestServer;
let alice: Backend;
beforeAll(async () => {
  server = await startSupabaseServer({ databaseUrl: null });
  alice = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken('alice') });
});
afterAll(async () => {
  await alice?.close();
  await server?.close();
});

interface Stamps {
  version: number;
  field_versions: Record<string, number>;
  field_writers: Record<string, string>;
  field_times: Record<string, number>;
}
const stampsOf = async (recordId: string): Promise<Stamps> =>
  (await server.db.query('select version::int as version, field_versions, field_writers, field_times from public.tasks where record_id = $1', [recordId]))[0] as unknown as Stamps;
const FIELDS = Object.keys(taskFields('x'));
const every = <T>(value: T) => Object.fromEntries(FIELDS.map((f) => [f, value]));

describe('set-based and op-by-op push paths', () => {
  it('stamp fields alike: every field on create, the written ones on update', async () => {
    const ops = new OpSeq();
    const [fast, slow] = [newId(), newId()];
    const batch = ops.batch([ops.create(fast, taskFields('fast')), ops.create(slow, taskFields('slow')), ops.update(slow, { stage: 'next' }, null)]);
    const { results } = await alice.push(batch);
    const [fastV, slowV, slowV2] = results.map(versionOf);
    expect(await stampsOf(fast)).toEqual({
      version: fastV,
      field_versions: every(fastV),
      field_writers: every(ops.clientId),
      field_times: every(batch.ops[0]!.clientTime),
    });
    expect(await stampsOf(slow)).toEqual({
      version: slowV2,
      field_versions: { ...every(slowV), stage: slowV2 },
      field_writers: every(ops.clientId),
      // stage was last written by the update, with that op's own clock.
      field_times: { ...every(batch.ops[1]!.clientTime), stage: batch.ops[2]!.clientTime },
    });
    const later = ops.update(fast, { title: 'fast 2', stage: null }, fastV!, { clientTime: 42 });
    const [updated] = (await alice.push(ops.batch([later]))).results;
    // stage was already null: unchanged, so not restamped.
    expect(updated).toMatchObject({ status: 'applied', fields: { title: 'fast 2', stage: null } });
    expect(await stampsOf(fast)).toEqual({
      version: versionOf(updated),
      field_versions: { ...every(fastV), title: versionOf(updated) },
      field_writers: every(ops.clientId),
      field_times: { ...every(batch.ops[0]!.clientTime), title: 42 },
    });
  });

  it('answer a mixed batch in op order, writing once per applied change', async () => {
    const ops = new OpSeq();
    const [known, edited] = [newId(), newId()];
    const first = await alice.push(ops.batch([ops.create(known, taskFields('known')), ops.create(edited, taskFields('edited'))]));
    const base = versionOf(first.results[1]);
    await (await supabaseWebClient(server.url, server.anonKey, await server.mintToken('alice'))).updateTask(edited, { title: 'from the web' });
    const head = await headOf(alice);
    const [fresh, twice] = [newId(), newId()];
    const { results } = await alice.push(
      ops.batch([
        ops.create(fresh, taskFields('fresh')),
        ops.update(newId(), { title: 'nobody' }, 1),
        { ...ops.create(newId(), taskFields('bad id')), recordId: 'not-a-uuid' },
        ops.create(twice, taskFields('twice')),
        ops.update(edited, { title: 'from the replica', stage: 's' }, base),
        ops.update(twice, { title: 'twice 2' }, null),
        ops.update(known, { title: 'known' }, versionOf(first.results[0])),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'applied', 'conflict', 'applied', 'applied']);
    expect(results.map((r) => r.seq)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(results[1]).toMatchObject({ reason: 'unknown record' });
    expect(results[2]).toMatchObject({ reason: 'recordId "not-a-uuid" is not a full lowercase UUID' });
    expect(results[4]).toMatchObject({ fields: { title: 'from the replica', stage: 's' }, conflicts: [{ field: 'title', winner: 'local' }] });
    expect(results[5]).toMatchObject({ fields: { title: 'twice 2' } });
    // The last update changes nothing: no new version.
    expect(versionOf(results[6])).toBe(versionOf(first.results[0]));
    // fresh, twice (create and update), edited: four writes.
    expect(await headOf(alice)).toBe(head + 4);
  });

  it('answer a batch resent after its stored answers were pruned from the current state, applying nothing', async () => {
    const ops = new OpSeq();
    const id = newId();
    const batch = ops.batch([ops.create(id, taskFields('once'))]);
    await alice.push(batch);
    const next = await alice.push(ops.batch([ops.update(id, { title: 'twice' }, null)]));
    const head = await headOf(alice);
    const { results } = await alice.push(batch);
    expect(results).toEqual([{ seq: 1, status: 'applied', version: versionOf(next.results[0]), fields: expect.objectContaining({ title: 'twice' }) }]);
    expect(await headOf(alice)).toBe(head);
  });
});
