/**
 * Upgrading a deployed database to workspaces: a user's rows, counter and
 * push bookkeeping from before (the last released migration) become their
 * personal workspace's, so a replica that never heard of workspaces pulls
 * and pushes on exactly as before (replays still answered from the stored
 * results, versions continuing from the old head).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPglite, type Database, type SqlSession } from '../../../../src/dev/servers/supabase/database.js';
import { userIdFor } from '../../../../src/dev/servers/supabase/auth.js';
import { generateSupabaseSql } from '../../../../src/gen/supabase-sql.js';
import { TABLES } from '../../../../src/schema/tables.js';
import type { OpResult } from '../../../../src/schema/protocol.js';
import { newId, OpSeq, taskFields, versionOf } from '../../../sync/contract-helpers.js';

/** The last migration released before workspaces, and those before it. */
const RELEASED = '20261201160536_convoy.sql';
const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', '..', 'supabase', 'migrations');

let db: Database;
beforeAll(async () => {
  const released = readdirSync(MIGRATIONS).filter((f) => f.endsWith('_convoy.sql') && f <= RELEASED).sort();
  expect(released.at(-1)).toBe(RELEASED);
  db = await openPglite({ sql: released.map((f) => readFileSync(join(MIGRATIONS, f), 'utf8')).join('\n\n') });
});
afterAll(() => db?.close());

const user = userIdFor('migrating');

async function as<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
  return db.transaction(async (s) => {
    await s.query('set local role authenticated');
    await s.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user, role: 'authenticated', email: 'm@example.test' })]);
    return fn(s);
  });
}
const call = async (s: SqlSession, sql: string, args: unknown[]) => (await s.query(sql, args))[0]!.r as Record<string, unknown>;
const push = (batch: unknown) => as((s) => call(s, 'select public.convoy_push($1::json) as r', [JSON.stringify(batch)]));
const pullAll = () => as((s) => call(s, 'select public.convoy_pull_all($1::jsonb) as r', [JSON.stringify({ cursors: { tasks: 0 }, limit: 100 })]));

it('moves a user’s rows, counter and push bookkeeping into their personal workspace', async () => {
  await db.query('insert into auth.users (id) values ($1)', [user]);
  const ops = new OpSeq();
  const [a, b] = [newId(), newId()];
  const before = ops.batch([ops.create(a, taskFields('before')), ops.create(b, taskFields('also before'))]);
  const answered = await push(before);

  await db.exec(generateSupabaseSql(TABLES));

  const pulled = await pullAll();
  const tasks = pulled.tables as { tasks: { changes: { recordId: string; version: number }[] } };
  expect(tasks.tasks.changes.map((c) => c.recordId)).toEqual([a, b]);
  expect(pulled.headVersion).toBe(2);
  expect(pulled.workspaces).toEqual({
    user: { userId: user, name: 'm@example.test' },
    workspaces: [{ id: user, name: 'personal', role: 'owner', personal: true }],
  });
  // The same batch again is a replay, answered from the results stored before the upgrade.
  expect(await push(before)).toEqual(answered);
  // New writes continue the old counter.
  const next = await push(ops.batch([ops.update(a, { status: 'done' }, versionOf((answered.results as OpResult[])[0]))]));
  expect((next.results as OpResult[]).map(versionOf)).toEqual([3]);
  const rows = await db.query('select workspace_id::text as w, user_id::text as u from public.tasks');
  expect(rows).toEqual([{ w: user, u: user }, { w: user, u: user }]);
});
