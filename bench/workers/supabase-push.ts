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
import { randomUUID } from 'node:crypto';
import type { TableDecl } from '../../src/schema/declare.js';
import { defaultPolicies } from '../../src/schema/registry.js';
import { tasks } from '../../src/schema/tables.js';
import { createValue, fieldsOf, fromWire, lit } from '../../src/gen/supabase/sql.js';
import { openPglite, openPostgres, type Database, type SqlSession } from '../../src/dev/servers/supabase/database.js';
import { findPostgres, startPostgresCluster, type PostgresCluster } from '../../test/dev/servers/supabase/postgres.js';

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

const FLOOR_FROM = `rows from (json_to_recordset($1) as ("recordId" text, fields jsonb)) with ordinality as r (rid, f, ord)`;
const FLOOR_INSERT = `insert into ${FLOOR} (user_id, record_id, ${fieldsOf(TABLE).map(([, col]) => col).join(', ')}, version)
  select $2::uuid, r.rid::uuid, ${fieldsOf(TABLE).map(([name, , decl]) => createValue('r.f', name, decl, 'floor(extract(epoch from clock_timestamp()) * 1000)')).join(', ')}, $3::bigint + r.ord
  from ${FLOOR_FROM}`;
const FLOOR_UPDATE = `update ${FLOOR} as t set ${fieldsOf(TABLE)
  .map(([name, col, decl]) => `${col} = case when r.f ? ${lit(name)} then ${fromWire('r.f', name, decl)} else t.${col} end`)
  .join(', ')}, version = $3::bigint + r.ord
  from ${FLOOR_FROM} where t.user_id = $2::uuid and t.record_id = r.rid::uuid`;

/**
 * Server time: each statement runs inside a PL/pgSQL function that reads the
 * clock around it (so neither parsing the parameters nor sending the answer
 * counts, on either side), its plan kept for the session like push's own.
 */
const TIMERS = [
  `create function bench_push(batch json) returns jsonb language plpgsql as $f$
  declare t0 timestamptz := clock_timestamp(); r jsonb;
  begin
    r := public.convoy_push(batch);
    return jsonb_build_object('ms', extract(epoch from clock_timestamp() - t0) * 1000, 'result', r);
  end $f$`,
  `create function bench_floor(kind text, p_rows json, p_user uuid, p_v bigint) returns jsonb language plpgsql as $f$
  declare t0 timestamptz := clock_timestamp();
  begin
    if kind = 'create' then ${sqlOf(FLOOR_INSERT)}; else ${sqlOf(FLOOR_UPDATE)}; end if;
    return jsonb_build_object('ms', extract(epoch from clock_timestamp() - t0) * 1000);
  end $f$`,
];

function sqlOf(statement: string): string {
  return statement.replaceAll('$1', 'p_rows').replaceAll('$2', 'p_user').replaceAll('$3', 'p_v');
}

async function timed(db: Database, user: string | null, sql: string, params: unknown[]): Promise<{ ms: number; result: unknown }> {
  return db.transaction(async (s: SqlSession) => {
    if (user !== null) {
      await s.query('set local role authenticated');
      await s.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user, role: 'authenticated' })]);
    }
    const [row] = (await s.query(sql, params)) as [{ t: { ms: number; result?: unknown } }];
    return { ms: row.t.ms, result: row.t.result };
  });
}

/** One phase of a run: totals, and each batch's push and floor times (measured back to back). */
interface Phase {
  pushMs: number;
  floorMs: number;
  batches: { ops: number; pushMs: number; floorMs: number }[];
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
    const batches: Phase['batches'] = [];
    for (let start = 0; start < input.ops; start += input.batch) {
      const rows = ids.slice(start, start + input.batch).map((recordId, j) => ({
        recordId,
        fields: kind === 'create' ? createFields(start + j, now) : updateFields(start + j),
      }));
      const ops: Op[] = rows.map((r) => ({
        seq: ++seq, table: TABLE.name, recordId: r.recordId, kind, fields: r.fields,
        baseVersion: kind === 'create' ? null : versions.get(r.recordId)!, clientTime: now,
      }));
      const push = await timed(db, user, 'select bench_push($1::json) as t', [JSON.stringify({ clientId, policies, ops })]);
      const results = (push.result as { results: { status: string; version: number }[] }).results;
      const bad = results.filter((r) => r.status !== 'applied');
      if (results.length !== ops.length || bad.length > 0) throw new Error(`push ${kind}: ${JSON.stringify(bad[0] ?? results.length)}`);
      results.forEach((r, j) => versions.set(ops[j]!.recordId, r.version));
      const floor = await timed(db, null, 'select bench_floor($1, $2::json, $3::uuid, $4::bigint) as t', [kind, JSON.stringify(opsJson(rows)), user, seq]);
      pushMs += push.ms;
      floorMs += floor.ms;
      batches.push({ ops: ops.length, pushMs: push.ms, floorMs: floor.ms });
    }
    return { pushMs, floorMs, batches };
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
    for (const statement of TIMERS) await db.query(statement);
    // Warm-up: plans, caches and the first pages of every index; then the
    // statistics autovacuum would have gathered on a table in use.
    await run(db, 0);
    await db.query(`analyze public.${TABLE.name}, ${FLOOR}`);
    const runs: { creates: Phase; updates: Phase }[] = [];
    for (let i = 1; i <= input.runs; i++) runs.push(await run(db, i));
    const summary = (key: 'creates' | 'updates') => {
      // Medians over batches: a batch's push and floor ran back to back, so
      // its ratio is the least swayed by other load on the machine.
      const batches = runs.flatMap((r) => r[key].batches);
      return {
        pushUsPerOp: median(batches.map((b) => (b.pushMs / b.ops) * 1000)),
        floorUsPerOp: median(batches.map((b) => (b.floorMs / b.ops) * 1000)),
        ratio: median(batches.map((b) => b.pushMs / b.floorMs)),
        batches: batches.length,
      };
    };
    const version = (await db.query('select version() as v'))[0]!.v as string;
    process.stdout.write(`RESULT ${JSON.stringify({ target: input.target, version, ops: input.ops, batch: input.batch, runs, creates: summary('creates'), updates: summary('updates') })}\n`);
  } finally {
    await db.close();
    await cluster?.stop();
  }
}

await main();
