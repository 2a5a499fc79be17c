// Server time of the Supabase push (convoy_push, the SQL generated from the
// table declarations) per op: 1,000 creates and 1,000 updates of those
// records (the set-based path), in batches of 500, on PGlite and on a
// throwaway PostgreSQL cluster (test/dev/servers/supabase/postgres.ts; skipped,
// saying why, without PostgreSQL binaries). The floor is measured in the same
// run and database: a plain set-based INSERT/UPDATE … FROM json_to_recordset
// of the same rows into a copy of the table without convoy's triggers and
// row-level security (bench/workers/supabase-push.ts, run under tsx). The
// target (≤ 5× the floor, ≤ 0.2 ms per op on PostgreSQL) is the creates';
// updates are reported beside them.
import { join } from 'node:path';
import { fmt, ROOT, runTimed, sectionFlags } from '../lib.mjs';

const TARGET_RATIO = 5;
const TARGET_PG_US_PER_OP = 200;
const WORKER = join(ROOT, 'bench', 'workers', 'supabase-push.ts');

async function measure(ctx, target) {
  const input = { target, ops: sectionFlags.supabaseOps, batch: 500, runs: sectionFlags.supabaseRuns };
  ctx.log(`supabase: ${target}: ${fmt.int(input.ops)} creates + ${fmt.int(input.ops)} updates, ${input.runs} runs`);
  const result = await runTimed(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], { capture: true });
  const line = result.stdout.toString('utf8').trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !line.startsWith('RESULT ')) {
    throw new Error(`supabase-push ${target} exited ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-6).join(' | ')}`);
  }
  return JSON.parse(line.slice('RESULT '.length));
}

function rowsFor(label, figures) {
  if (figures.skipped) return [{ metric: `${label}: skipped`, value: figures.skipped }];
  const pg = label === 'PostgreSQL';
  return ['creates', 'updates'].flatMap((phase) => {
    const f = figures[phase];
    return [
      {
        metric: `${label} push, ${fmt.int(figures.ops)} ${phase}: server time per op`,
        value: `${f.pushUsPerOp.toFixed(0)} µs (floor ${f.floorUsPerOp.toFixed(0)} µs; medians of ${f.batches} batches of ${figures.batch})`,
        ...(pg ? { target: `≤ ${TARGET_PG_US_PER_OP} µs`, ok: f.pushUsPerOp <= TARGET_PG_US_PER_OP } : {}),
      },
      {
        metric: `${label} push, ${fmt.int(figures.ops)} ${phase}: over the set-based floor`,
        value: `${fmt.ratio(f.ratio)} (median of the batches' push / floor)`,
        // The target is the creates'; updates are reported beside them.
        ...(phase === 'creates' ? { target: `≤ ${TARGET_RATIO}×`, ok: f.ratio <= TARGET_RATIO } : {}),
      },
    ];
  });
}

export default {
  name: 'supabase',
  summary: 'Supabase convoy_push server time per op, 1,000 creates / updates, PGlite and PostgreSQL, vs a set-based floor [--supabase-ops=N --supabase-runs=N]',
  flags: { 'supabase-ops': { default: 1000, min: 1 }, 'supabase-runs': { default: 5, min: 1 } },
  async run(ctx) {
    const pglite = await measure(ctx, 'pglite');
    const postgres = await measure(ctx, 'postgres');
    const brief = (f) => (f.skipped ? f : { version: f.version, ops: f.ops, batch: f.batch, creates: f.creates, updates: f.updates });
    return {
      figures: { pglite: brief(pglite), postgres: brief(postgres), targetRatio: TARGET_RATIO, targetPgUsPerOp: TARGET_PG_US_PER_OP },
      rows: [
        ...rowsFor('PGlite', pglite),
        ...rowsFor('PostgreSQL', postgres),
        {
          metric: 'supabase: how measured',
          value:
            'server time, read by the database clock around each statement (PGlite: 1 ms resolution), push as the signed-in user; ' +
            'floor: same JSON, same table definition (indexes, foreign key), no convoy triggers or RLS; tables analyzed after a warm-up run',
        },
      ],
    };
  },
};
