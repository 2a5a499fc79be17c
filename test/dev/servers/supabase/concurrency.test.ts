/**
 * Concurrency of the Supabase SQL on real PostgreSQL (PGlite has a single
 * connection, so these need a server: DATABASE_URL, or a throwaway cluster
 * from the local PostgreSQL binaries; skipped, saying why, without either).
 *
 * The central case: two transactions write for one user at once, and the one
 * holding the lower version commits later. A pull in between must not move
 * its cursor past a version that is not yet visible. The per-user counter row
 * makes the second writer wait; a bare sequence would not, and the last case
 * proves this test catches exactly that by running it against a copy of the
 * schema sabotaged into using one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseBackend } from '../../../../src/sync/backends/supabase/index.js';
import type { Backend } from '../../../../src/sync/backend.js';
import { headOf, newId, OpSeq, pullAll, taskFields, versionOf } from '../../../sync/contract-helpers.js';
import type { SqlSession } from '../../../../src/dev/servers/supabase/database.js';
import { findPostgres, startPostgresCluster, type PostgresCluster } from './postgres.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';

const install = process.env.DATABASE_URL ? null : findPostgres();
const missing = install !== null && 'missing' in install ? install.missing : null;

type Session = SqlSession & { release(): void; pid: number };

/** A connection in an open transaction acting as `user` through the API roles, as PostgREST sets it up. */
async function openAs(server: SupabaseTestServer, user: string): Promise<Session> {
  await server.mintToken(user);
  const session = await server.db.connect();
  const [{ pid }] = (await session.query('select pg_backend_pid() as pid')) as [{ pid: number }];
  await session.query('begin');
  await session.query('set local role authenticated');
  await session.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: server.userId(user), role: 'authenticated' })]);
  return Object.assign(session, { pid });
}

const push = (s: SqlSession, batch: unknown) => s.query('select public.convoy_push($1::json) as r', [JSON.stringify(batch)]);

/** Resolves once `pending` settled or backend `pid` waits for a lock; says which. */
async function blockedOrDone(server: SupabaseTestServer, pid: number, pending: Promise<unknown>): Promise<'blocked' | 'done'> {
  let done = false;
  void pending.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 200; i++) {
    if (done) return 'done';
    const rows = await server.db.query(`select wait_event_type from pg_stat_activity where pid = $1`, [pid]);
    if (rows[0]?.wait_event_type === 'Lock') return 'blocked';
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the second writer neither finished nor waited for a lock within 2 s');
}

/**
 * T1 pushes (uncommitted), T2 pushes for the same user, a replica pulls, T1
 * commits, the replica pulls on from its cursor. Returns what T2 did and the
 * ids the replica never saw.
 */
async function lateCommitRace(server: SupabaseTestServer, reader: Backend, user: string) {
  const head = await headOf(reader);
  const [one, two] = [new OpSeq(), new OpSeq()];
  const [first, second] = [newId(), newId()];
  const t1 = await openAs(server, user);
  const t2 = await openAs(server, user);
  try {
    await push(t1, one.batch([one.create(first, taskFields('takes the lower version, commits later'))]));
    const t2Done = push(t2, two.batch([two.create(second, taskFields('takes the higher version'))])).then(() => t2.query('commit'));
    const secondWriter = await blockedOrDone(server, t2.pid, t2Done);
    const early = await pullAll(reader, 'tasks', head, 100);
    await t1.query('commit');
    await t2Done;
    const late = await pullAll(reader, 'tasks', early.cursors.at(-1) ?? head, 100);
    const seen = new Set([...early.records, ...late.records].map((r) => r.recordId));
    return { secondWriter, missed: [first, second].filter((id) => !seen.has(id)) };
  } finally {
    t1.release();
    t2.release();
  }
}

/** Turn the counter into what a naive schema would have: a bare sequence, no per-workspace lock. */
const SABOTAGE = `
  create sequence convoy.bare_versions;
  grant usage on sequence convoy.bare_versions to authenticated;
  create or replace function convoy.take_versions(p_workspace uuid, p_count integer) returns bigint language sql as
    $$ select min(v) from (select nextval('convoy.bare_versions') as v from generate_series(1, p_count)) s $$;
  create or replace function convoy.lock_workspace(p_workspace uuid) returns bigint language sql as $$ select 0::bigint $$;`;

describe.skipIf(missing !== null)(`concurrent writers on real PostgreSQL${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let cluster: PostgresCluster | null = null;
  let server: SupabaseTestServer;
  let alice: Backend;
  const backendFor = async (s: SupabaseTestServer, user: string) =>
    createSupabaseBackend({ url: s.url, anonKey: s.anonKey, accessToken: await s.mintToken(user) });

  beforeAll(async () => {
    if (install !== null && !('missing' in install)) cluster = await startPostgresCluster(install);
    server = await startSupabaseServer({ databaseUrl: cluster?.url ?? process.env.DATABASE_URL });
    alice = await backendFor(server, 'alice');
  });
  afterAll(async () => {
    await alice?.close();
    await server?.close();
    await cluster?.stop();
  });

  it('a pull never skips a change whose transaction took the lower version but commits later', async () => {
    const { secondWriter, missed } = await lateCommitRace(server, alice, 'alice');
    expect(secondWriter).toBe('blocked');
    expect(missed).toEqual([]);
  });

  it('the same batch pushed twice at once is applied once; both get the same results', async () => {
    const ops = new OpSeq();
    const batch = ops.batch(Array.from({ length: 20 }, () => ops.create(newId(), taskFields('once'))));
    const backends = await Promise.all([backendFor(server, 'carol'), backendFor(server, 'carol')]);
    const [a, b] = await Promise.all(backends.map((backend) => backend.push(batch)));
    expect(b!.results).toEqual(a!.results);
    const pulled = await pullAll(backends[0]!, 'tasks', 0, 1000);
    expect(pulled.records).toHaveLength(20);
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('a push and a direct web UPDATE of the same row wait for each other instead of deadlocking', async () => {
    const ops = new OpSeq();
    const id = newId();
    const created = await alice.push(ops.batch([ops.create(id, taskFields('shared'))]));
    const base = versionOf(created.results[0]);
    const t1 = await openAs(server, 'alice');
    const t2 = await openAs(server, 'alice');
    try {
      await push(t1, ops.batch([ops.update(id, { title: 'from the replica' }, base)]));
      const web = t2.query(`update public.tasks set stage = 'from the web' where record_id = $1`, [id]).then(() => t2.query('commit'));
      expect(await blockedOrDone(server, t2.pid, web)).toBe('blocked');
      await t1.query('commit');
      await web;
    } finally {
      t1.release();
      t2.release();
    }
    const record = (await pullAll(alice, 'tasks', base, 100)).records.find((r) => r.recordId === id);
    expect(record).toMatchObject({ version: base + 2, fields: { title: 'from the replica', stage: 'from the web' } });
  });

  it('would catch a bare sequence: sabotaged into one, the same race skips a change', async () => {
    const naive = await startSupabaseServer({ databaseUrl: cluster?.url ?? process.env.DATABASE_URL });
    try {
      await naive.db.query(SABOTAGE);
      const reader = await backendFor(naive, 'dana');
      const { secondWriter, missed } = await lateCommitRace(naive, reader, 'dana');
      expect(secondWriter).toBe('done');
      expect(missed).toHaveLength(1);
      await reader.close();
    } finally {
      await naive.close();
    }
  });
});
