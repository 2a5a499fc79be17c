/**
 * The local Supabase server, exercised with the official supabase-js client
 * (and raw fetch where the wire shape itself is the point), and the SQL's
 * row-level security and version trigger, checked directly in the database
 * under the API roles.
 */
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { newId, OpSeq, taskFields } from '../../../sync/contract-helpers.js';
import type { SqlSession } from '../../../../src/dev/servers/supabase/database.js';
import { startSupabaseServer, type SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';
import { MAX_PUSH_OPS } from '../../../../src/schema/server/push.js';

let server: SupabaseTestServer;
beforeAll(async () => {
  server = await startSupabaseServer();
});
afterAll(() => server?.close());

const clientFor = (token: string | null, anonKey = server.anonKey) =>
  createClient(server.url, anonKey, { accessToken: async () => token, realtime: { transport: ws as never } });
const asUser = async (user: string) => clientFor(await server.mintToken(user));

/** Run `fn` in a transaction as `user` under the authenticated role, like PostgREST does; always rolled back. */
async function sqlAs<T>(user: string | null, fn: (s: SqlSession) => Promise<T>): Promise<T | Error> {
  if (user) await server.mintToken(user);
  const claims = user ? { sub: server.userId(user), role: 'authenticated' } : { role: 'anon' };
  let outcome: T | Error = new Error('not run');
  await server.db
    .transaction(async (s) => {
      await s.query(`set local role ${user ? 'authenticated' : 'anon'}`);
      await s.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      outcome = await fn(s).catch((e: unknown) => e as Error);
      throw new Error('rollback');
    })
    .catch(() => undefined);
  return outcome;
}

/** A task of `user`'s, created through convoy_push; returns its record id. */
async function createTask(user: string, title = 'task'): Promise<string> {
  const ops = new OpSeq();
  const id = newId();
  const { error } = await (await asUser(user)).rpc('convoy_push', { batch: ops.batch([ops.create(id, taskFields(title))]) });
  expect(error).toBeNull();
  return id;
}

describe('local Supabase server: rpc through supabase-js', () => {
  it('runs convoy_push, convoy_pull and convoy_head as the signed-in user', async () => {
    const client = await asUser('alice');
    const ops = new OpSeq();
    const id = newId();
    const pushed = await client.rpc('convoy_push', { batch: ops.batch([ops.create(id, taskFields('hello'))]) });
    expect(pushed).toMatchObject({ error: null, status: 200, data: { results: [{ seq: 1, status: 'applied', version: 1, fields: { title: 'hello' } }] } });
    const pulled = await client.rpc('convoy_pull', { p_table: 'tasks', p_cursor: 0, p_limit: 10 });
    expect(pulled.data).toMatchObject({ cursor: 1, hasMore: false, headVersion: 1, changes: [{ recordId: id, version: 1 }] });
    expect((await client.rpc('convoy_head')).data).toEqual({ headVersion: 1 });
  });

  it('answers failures with PostgREST’s and the gateway’s codes and statuses', async () => {
    const token = await server.mintToken('alice');
    expect(await clientFor(token, 'not-the-key').rpc('convoy_head')).toMatchObject({ status: 401, error: { message: 'Invalid API key' } });
    expect(await clientFor(`${token.slice(0, -4)}AAAA`).rpc('convoy_head')).toMatchObject({
      status: 401,
      error: { code: 'PGRST301', message: 'JWSError JWSInvalidSignature' },
    });
    expect(await clientFor(await server.mintToken('alice', { ttlSeconds: -10 })).rpc('convoy_head')).toMatchObject({
      status: 401,
      error: { code: 'PGRST301', message: 'JWT expired' },
    });
    // The anon key alone is the anon role, which may not call convoy's functions.
    expect(await clientFor(null).rpc('convoy_head')).toMatchObject({ status: 401, error: { code: '42501' } });
    expect(await clientFor(token).rpc('convoy_nothing')).toMatchObject({ status: 404, error: { code: 'PGRST202' } });
    expect(await clientFor(token).rpc('convoy_pull', { p_table: 'tasks' })).toMatchObject({ status: 404, error: { code: 'PGRST202' } });
    const tooBig = new OpSeq();
    const batch = tooBig.batch(Array.from({ length: MAX_PUSH_OPS + 1 }, () => tooBig.create(newId(), taskFields('x'))));
    expect(await clientFor(token).rpc('convoy_push', { batch })).toMatchObject({
      status: 400,
      error: { code: 'P0001', message: '2001 ops in one push; send at most 2000', details: 'batch_too_large' },
    });
    const bare = await fetch(`${server.url}/rest/v1/rpc/convoy_head`, { method: 'POST', body: '{}' });
    expect([bare.status, await bare.json()]).toEqual([401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' }]);
    const badJson = await fetch(`${server.url}/rest/v1/rpc/convoy_head`, { method: 'POST', headers: { apikey: server.anonKey, authorization: `Bearer ${token}` }, body: '{' });
    expect([badJson.status, (await badJson.json()).code]).toEqual([400, 'PGRST102']);
  });

  it('renews sessions through the refresh grant, rotating refresh tokens', async () => {
    const { refreshToken } = await server.session('alice');
    const grant = (token: string) =>
      fetch(`${server.url}/auth/v1/token?grant_type=refresh_token`, {
        method: 'POST',
        headers: { apikey: server.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
    const renewed = await grant(refreshToken);
    const body = (await renewed.json()) as { access_token: string; refresh_token: string; user: { id: string } };
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: server.userId('alice') } });
    expect((await clientFor(body.access_token).rpc('convoy_head')).error).toBeNull();
    const reused = await grant(refreshToken);
    expect([reused.status, await reused.json()]).toEqual([400, { code: 400, error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token: Refresh Token Not Found' }]);
  });
});

describe('row-level security, under the API roles', () => {
  it('keeps users’ rows apart through the API: no reading, no web edits of another user’s task', async () => {
    const id = await createTask('alice', 'private');
    const bob = await asUser('bob');
    const pulled = await bob.rpc('convoy_pull', { p_table: 'tasks', p_cursor: 0, p_limit: 1000 });
    expect((pulled.data as { changes: { recordId: string }[] }).changes.map((c) => c.recordId)).not.toContain(id);
    const edit = await bob.rpc('convoy_web_update', { p_table: 'tasks', p_record_id: id, p_fields: { title: 'stolen' } });
    expect(edit).toMatchObject({ status: 404, error: { code: 'PT404' } });
  });

  it('keeps them apart in SQL too: another user’s rows are invisible, unchangeable, and cannot be forged', async () => {
    const id = await createTask('alice', 'private');
    const bob = await sqlAs('bob', async (s) => ({
      visible: await s.query('select count(*)::int as n from public.tasks where record_id = $1', [id]),
      updated: await s.query(`update public.tasks set title = 'stolen' where record_id = $1 returning id`, [id]),
      counters: await s.query('select count(*)::int as n from convoy.counters where workspace_id <> $1', [server.userId('bob')]),
    }));
    expect(bob).toEqual({ visible: [{ n: 0 }], updated: [], counters: [{ n: 0 }] });
    const forged = await sqlAs('bob', (s) =>
      s.query(`insert into public.tasks (user_id, record_id, title) values ($1, $2, 'forged')`, [server.userId('alice'), newId()]),
    );
    expect(forged).toBeInstanceOf(Error);
    expect(String(forged)).toMatch(/row-level security|row level security/);
    const intoAlices = await sqlAs('bob', (s) =>
      s.query(`insert into public.tasks (workspace_id, record_id, title) values ($1, $2, 'forged')`, [server.userId('alice'), newId()]),
    );
    expect(String(intoAlices)).toMatch(/row-level security|row level security/);
    const anon = await sqlAs(null, (s) => s.query('select * from public.tasks'));
    expect(String(anon)).toMatch(/permission denied/);
  });
});

describe('the version trigger, for a web app writing the tables directly', () => {
  it('bumps versions like push, keeps unchanged writes and forged bookkeeping out, and checks the field rules', async () => {
    const id = await createTask('erin', 'original');
    const result = await sqlAs('erin', async (s) => {
      const before = await s.query('select version from public.tasks where record_id = $1', [id]);
      await s.query(`update public.tasks set stage = 'web', version = 999, field_writers = '{}' where record_id = $1`, [id]);
      const after = await s.query('select version, field_versions, field_writers from public.tasks where record_id = $1', [id]);
      await s.query(`update public.tasks set stage = 'web' where record_id = $1`, [id]);
      const unchanged = await s.query('select version from public.tasks where record_id = $1', [id]);
      const invalid = await s.query(`update public.tasks set title = '   ' where record_id = $1`, [id]).catch((e: Error) => e);
      return { before: before[0]!.version, after: after[0], unchanged: unchanged[0]!.version, invalid: String(invalid) };
    });
    const r = result as { before: string; after: Record<string, unknown>; unchanged: string; invalid: string };
    const next = Number(r.before) + 1;
    expect(r.after).toMatchObject({ field_versions: { title: Number(r.before), stage: next }, field_writers: { stage: 'web' } });
    expect(Number(r.after.version)).toBe(next);
    expect(Number(r.unchanged)).toBe(next);
    expect(r.invalid).toMatch(/title must not be empty; give some text/);
  });
});
