/**
 * The backend contract for the checksum `convoy verify` compares
 * (`Backend.checksum`): the server's digest of a record equals the CLI's
 * (src/sync/verify.ts recordDigest over the replica's stored form), sums
 * are XORs over any set of ids, and a large set answers buckets that narrow
 * down to the records. Against the `Backend` interface only, so it runs on
 * every backend (for Supabase it checks the generated SQL against the
 * TypeScript).
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { specFor, SYNC_TABLES, withDefaults } from '../../src/db/registry.js';
import { BackendError } from '../../src/errors.js';
import { CHECKSUM_LEAF, type Fields, type SyncTableName } from '../../src/schema/protocol.js';
import { xorDigests } from '../../src/schema/checksum.js';
import type { Backend } from '../../src/sync/backend.js';
import { recordDigest } from '../../src/sync/verify.js';
import { newId, OpSeq, taskFields } from './contract-helpers.js';

export interface ChecksumSuite {
  alice: Backend;
  harness: { webCreateTask(user: string, recordId: string, fields: Fields): Promise<void> };
}

/** The digest the CLI computes for a record as the replica stores it (null optional text as '', and so on). */
const replicaDigest = (table: SyncTableName, recordId: string, fields: Fields) => {
  const spec = specFor(table);
  return recordDigest(spec, recordId, withDefaults(spec, fields, true));
};

/** A fresh lowercase UUID ending in `suffix`. */
const idEndingIn = (suffix: string) => newId().slice(0, 36 - suffix.length) + suffix;

export function checksumCases(suite: ChecksumSuite, user: string): void {
  it('gives a record the digest the CLI computes, nulls read as the replica stores them', async () => {
    const ops = new OpSeq();
    const pushed = newId();
    const fields = taskFields('Café 😀 naïve — ünïcode', { stage: 'review', completedAt: 1_700_000_000_123, createdAt: 1_700_000_000_000 });
    await suite.alice.push(ops.batch([ops.create(pushed, fields)]));
    const web = newId();
    await suite.harness.webCreateTask(user, web, { title: 'from the web' });
    for (const id of [pushed, web]) {
      const answer = await suite.alice.checksum({ table: 'tasks', suffix: id });
      expect(answer).toMatchObject({ count: 1, buckets: null });
      const [record] = answer.records!;
      expect(record!.recordId).toBe(id);
      expect(answer.digest).toBe(replicaDigest('tasks', id, record!.fields));
    }
    const [record] = (await suite.alice.checksum({ table: 'tasks', suffix: pushed })).records!;
    expect(record!.fields).toMatchObject({ title: fields.title, stage: 'review', completedAt: 1_700_000_000_123 });
  });

  it('sums any set of ids by XOR, and splits a large one into buckets that narrow down to the records', async () => {
    const suffix = randomBytes(3).toString('hex').slice(0, 5);
    const ids = Array.from({ length: CHECKSUM_LEAF + 6 }, () => idEndingIn(suffix));
    const ops = new OpSeq();
    const fields = new Map(ids.map((id, i) => [id, taskFields(`bucketed ${i}`, { createdAt: 1_700_000_000_000 + i })]));
    await suite.alice.push(ops.batch(ids.map((id) => ops.create(id, fields.get(id)!))));
    const whole = await suite.alice.checksum({ table: 'tasks', suffix });
    expect(whole).toMatchObject({ count: ids.length, records: null });
    expect(whole.digest).toBe(ids.map((id) => replicaDigest('tasks', id, fields.get(id)!)).reduce(xorDigests));
    const buckets = Object.entries(whole.buckets!);
    expect(buckets.reduce((n, [, b]) => n + b.count, 0)).toBe(ids.length);
    expect(buckets.map(([, b]) => b.digest).reduce(xorDigests)).toBe(whole.digest);
    for (const [key, sum] of buckets) {
      const narrower = await suite.alice.checksum({ table: 'tasks', suffix: key + suffix });
      expect(narrower).toMatchObject({ count: sum.count, digest: sum.digest, buckets: null });
      const listed = narrower.records!.map((r) => r.recordId);
      expect(listed).toEqual(ids.filter((id) => id.endsWith(key + suffix)).sort());
    }
  });

  it('gives a record of every declared table the digest the CLI computes (the task model\'s sets and notes included)', async () => {
    const ops = new OpSeq();
    const [task, other, project] = [newId(), newId(), newId()];
    const member = (value: string) => ({ ownerId: task, member: value, state: 'present', createdAt: 1_700_000_000_000 });
    // One record per table; a table declared later fails here until it has one.
    const samples: Record<string, Fields> = {
      projects: { name: 'checked', description: null, createdAt: 1_700_000_000_000 },
      tasks: taskFields('checked', { projectId: project, due: 1_700_000_000_000, priority: 'H', createdAt: 1_700_000_000_000 }),
      task_tags: member('urgent'),
      task_blockers: member(other),
      task_notes: { taskId: task, text: 'Called the bank\nline two', createdAt: 1_700_000_000_000 },
    };
    expect(Object.keys(samples).sort()).toEqual(SYNC_TABLES.map((s) => s.name).sort());
    const ids = new Map(Object.keys(samples).map((table) => [table, table === 'tasks' ? task : table === 'projects' ? project : newId()]));
    const { results } = await suite.alice.push(ops.batch([ops.create(other, taskFields('blocker')), ...Object.entries(samples).map(([table, fields]) => ops.create(ids.get(table)!, fields, table as SyncTableName))]));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'applied'));
    for (const [table, id] of ids) {
      const answer = await suite.alice.checksum({ table: table as SyncTableName, suffix: id });
      expect(answer, table).toMatchObject({ count: 1, buckets: null });
      expect(answer.digest, table).toBe(replicaDigest(table as SyncTableName, id, answer.records![0]!.fields));
      expect(answer.digest, table).toBe(replicaDigest(table as SyncTableName, id, samples[table]!));
    }
  });

  it('refuses a suffix that is not the end of a lowercase UUID, or an unknown table, as a non-retryable error', async () => {
    for (const request of [{ table: 'tasks', suffix: 'XYZ' }, { table: 'tasks', suffix: "'; drop table tasks; --" }, { table: 'nope', suffix: '' }]) {
      const error = await suite.alice.checksum(request as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ retryable: false, offline: false });
    }
  });
}
