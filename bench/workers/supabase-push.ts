/**
 * Server time of convoy_push against its floor, in one database: 1,000
 * creates, then 1,000 updates of those records (every text field changed,
 * base = the version the create returned: the set-based path), pushed in
 * batches of 500 as the signed-in user the way PostgREST calls it; the
 * floor is a plain set-based INSERT … SELECT FROM json_to_recordset (and
 * UPDATE … FROM json_to_recordset) of the same rows, from the same JSON,
 * into a copy of the table without triggers or row-level security. Push and
 * floor alternate within each run, so load drift hits both alike. Times are
 * the statement's round trip on one connection (PGlite: in process).
 *
 * Input: { target: 'pglite' | 'postgres', ops, batch, runs }.
 * Run under tsx (it loads the generator and the test server's database code).
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { TableDecl } from '../../src/schema/declare.js';
import { defaultPolicies } from '../../src/schema/registry.js';
import { tasks } from '../../src/schema/tables.js';
import { createValue, fieldsOf, fromWire, lit } from '../../src/gen/supabase/sql.js';
import { openPglite, openPostgres, type Database, type SqlSession } from '../../test/servers/supabase/database.js';
import { findPostgres, startPostgresCluster, type PostgresCluster } from '../../test/servers/supabase/postgres.js';

interface Input {
  target: 'pglite' | 'postgres';
  ops: number;
  batch: number;
  runs: number;
}
type Fields = Record<string, string | number | null>;
interface Op {
  seq: number;
  table: string;
  recordId: string;
  kind: 'create' | 'update';
  fields: Fields;
  baseVersion: number | null;
  clientTime: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const TABLE: TableDecl = tasks;
const FLOOR = `bench_floor_${TABLE.name}`;

/** A create's fields, from the declaration: text gets some, the rest defaults or null. */
function createFields(i: number, now: number): Fields {
  return Object.fromEntries(
    fieldsOf(TABLE).map(([name, , decl]) => {
      if (decl.type.kind === 'text') return [name, decl.required ? `${name} ${i}` : null];
      if (decl.type.kind === 'enum') return [name, typeof decl.default === 'string' ? decl.default : decl.type.values[0]!];
      if (decl.type.kind === 'time' && decl.default === 'now') return [name, now];
      return [name, null];
    }),
  );
}

/** An update changing every text field. */
function updateFields(i: number): Fields {
  return Object.fromEntries(fieldsOf(TABLE).filter(([, , d]) => d.type.kind === 'text').map(([name]) => [name, `${name} ${i} changed`]));
}

const opsJson = (rows: { recordId: string; fields: Fields }[]) =>
  rows.map((r) => ({ recordId: r.recordId, fields: r.fields }));

const FLOOR_FROM = `rows from (json_to_recordset($1::json) as ("recordId" text, fields jsonb)) with ordinality as r (rid, f, ord)`;
const FLOOR_INSERT = `insert into ${FLOOR} (user_id, record_id, ${fieldsOf(TABLE).map(([, col]) => col).join(', ')}, version)
  select $2::uuid, r.rid::uuid, ${fieldsOf(TABLE).map(([name, , decl]) => createValue('r.f', name, decl, 'floor(extract(epoch from clock_timestamp()) * 1000)')).join(', ')}, $3::bigint + r.ord
  from ${FLOOR_FROM}`;
const FLOOR_UPDATE = `update ${FLOOR} as t set ${fieldsOf(TABLE)
  .map(([name, col, decl]) => `${col} = case when r.f ? ${lit(name)} then ${fromWire('r.f', name, decl)} else t.${col} end`)
  .join(', ')}, version = $3::bigint + r.ord
  from ${FLOOR_FROM} where t.user_id = $2::uuid and t.record_id = r.rid::uuid`;

async function timed(db: Database, user: string | null, sql: string, params: unknown[]): Promise<{ ms: number; rows: unknown[] }> {
  return db.transaction(async (s: SqlSession) => {
    if (user !== null) {
      await s.query('set local role authenticated');
      await s.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user, role: 'authenticated' })]);
    }
    const started = performance.now();
    const rows = await s.query(sql, params);
    return { ms: performance.now() - started, rows };
  });
}

interface Phase {
  pushMs: number;
  floorMs: number;
}

/** One run: creates then updates of `ops` records for a fresh user; push and floor. */
async function run(db: Database, runIndex: number): Promise<{ creates: Phase; updates: Phase }> {
  const user = randomUUID();
  await db.query('insert into auth.users (id, email) values ($1, $2)', [user, `bench-${runIndex}@example.test`]);
  const now = Date.now();
  const ids = Array.from({ length: input.ops }, () => randomUUID());
  let seq = 0;
  const clientId = `bench-${runIndex}`;
  const policies = defaultPolicies();
  const versions = new Map<string, number>();
  const phase = async (kind: 'create' | 'update'): Promise<Phase> => {
    let pushMs = 0;
    let floorMs = 0;
    for (let start = 0; start < input.ops; start += input.batch) {
      const rows = ids.slice(start, start + input.batch).map((recordId, j) => ({
        recordId,
        fields: kind === 'create' ? createFields(start + j, now) : updateFields(start + j),
      }));
      const ops: Op[] = rows.map((r) => ({
        seq: ++seq, table: TABLE.name, recordId: r.recordId, kind, fields: r.fields,
        baseVersion: kind === 'create' ? null : versions.get(r.recordId)!, clientTime: now,
      }));
      const push = await timed(db, user, 'select public.convoy_push($1::json) as r', [JSON.stringify({ clientId, policies, ops })]);
      const results = (push.rows[0] as { r: { results: { status: string; version: number }[] } }).r.results;
      const bad = results.filter((r) => r.status !== 'applied');
      if (results.length !== ops.length || bad.length > 0) throw new Error(`push ${kind}: ${JSON.stringify(bad[0] ?? results.length)}`);
      results.forEach((r, j) => versions.set(ops[j]!.recordId, r.version));
      const floor = await timed(db, null, kind === 'create' ? FLOOR_INSERT : FLOOR_UPDATE, [JSON.stringify(opsJson(rows)), user, seq]);
      pushMs += push.ms;
      floorMs += floor.ms;
    }
    return { pushMs, floorMs };
  };
  const creates = await phase('create');
  const updates = await phase('update');
  const [{ head }] = (await db.query('select value as head from convoy.counters where user_id = $1', [user])) as [{ head: string }];
  if (Number(head) !== 2 * input.ops) throw new Error(`user's counter is ${head}, expected ${2 * input.ops}`);
  return { creates, updates };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  let cluster: PostgresCluster | null = null;
  let db: Database;
  if (input.target === 'postgres') {
    const install = findPostgres();
    if ('missing' in install) {
      process.stdout.write(`RESULT ${JSON.stringify({ skipped: install.missing })}\n`);
      return;
    }
    cluster = await startPostgresCluster(install);
    db = await openPostgres(cluster.url);
  } else {
    db = await openPglite();
  }
  try {
    // The same table definition (columns, defaults, indexes, the foreign key
    // to auth.users), without convoy's triggers and row-level security.
    await db.query(`create table ${FLOOR} (like public.${TABLE.name} including all, foreign key (user_id) references auth.users (id) on delete cascade)`);
    // Warm-up: plans, caches and the first pages of every index; then the
    // statistics autovacuum would have gathered on a table in use.
    await run(db, 0);
    await db.query(`analyze public.${TABLE.name}, ${FLOOR}`);
    const runs: { creates: Phase; updates: Phase }[] = [];
    for (let i = 1; i <= input.runs; i++) runs.push(await run(db, i));
    const summary = (key: 'creates' | 'updates') => {
      const pushMs = median(runs.map((r) => r[key].pushMs));
      const floorMs = median(runs.map((r) => r[key].floorMs));
      return { pushMs, floorMs, pushUsPerOp: (pushMs / input.ops) * 1000, floorUsPerOp: (floorMs / input.ops) * 1000, ratio: pushMs / floorMs };
    };
    const version = (await db.query('select version() as v'))[0]!.v as string;
    process.stdout.write(`RESULT ${JSON.stringify({ target: input.target, version, ops: input.ops, batch: input.batch, runs, creates: summary('creates'), updates: summary('updates') })}\n`);
  } finally {
    await db.close();
    await cluster?.stop();
  }
}

await main();
