// Selective sync: what a fresh replica pays to pull 1 of the 10 workspaces
// its user belongs to, against pulling all 10, in one run. One user creates
// 10 workspaces and fills each with --workspace-tasks tasks (an import per
// workspace, one push); then fresh replicas of that user learn the list
// (`convoy workspace list`) and run `convoy sync`, either with
// `sync.workspaces` naming one workspace or with every workspace selected.
// Figures: wire bytes and requests (bench/http-probe.cjs) and wall time of
// the sync process, medians of --workspace-runs alternating runs, on the
// local Supabase server over PostgreSQL (PGlite when PostgreSQL is missing)
// and on the local Convex server, reported apart.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOk, fmt, runConvoy, sectionFlags, summarize } from '../lib.mjs';
import { createsFile, mintToken, runConvoyMetered, startServer } from '../local-convex.mjs';
import { startSupabase } from '../local-supabase.mjs';

const WORKSPACES = 10;
const names = Array.from({ length: WORKSPACES }, (_, i) => `w${String(i + 1).padStart(2, '0')}`);

/** Run the CLI in `home` with `env`, failing loudly; returns its parsed JSON output. */
async function convoyJson(home, args, env) {
  const result = assertOk(await runConvoy(home, [...args, '--json'], { env, capture: true }), `convoy ${args.join(' ')}`);
  return JSON.parse(result.stdout.toString('utf8'));
}

/** The seeding replica: 10 workspaces of `tasks` tasks each, all pushed. */
async function seed(ctx, label, env, tasks) {
  const home = join(ctx.tmp, `ws-${label}-seed`);
  const lines = readFileSync(await createsFile(ctx, tasks), 'utf8');
  const file = join(ctx.tmp, `ws-${tasks}.jsonl`);
  writeFileSync(file, lines);
  for (const name of names) {
    await convoyJson(home, ['workspace', 'create', name], env);
    await convoyJson(home, ['workspace', 'use', name], env);
    await convoyJson(home, ['import', file], env);
  }
  const pushed = await convoyJson(home, ['sync'], env);
  if (pushed.pushed !== tasks * WORKSPACES) throw new Error(`workspaces ${label}: seeding pushed ${JSON.stringify(pushed)}`);
}

/** A fresh replica that knows the list, then one metered sync of `selection` (null: all). */
async function freshSync(ctx, label, index, env, selection) {
  const home = join(ctx.tmp, `ws-${label}-${index}-${selection ?? 'all'}`);
  await convoyJson(home, ['workspace', 'list'], env);
  if (selection) await convoyJson(home, ['config', 'set', 'sync.workspaces', selection], env);
  const run = await runConvoyMetered(home, ['sync', '--json'], env);
  return { wallMs: run.wallMs, bytes: run.http.bytesReceived, requests: run.http.requests, pulled: run.json.pulled };
}

const median = (runs, key) => summarize(runs.map((r) => r[key])).median;

async function measure(ctx, label, env, tasks, runs) {
  await seed(ctx, label, env, tasks);
  const one = [];
  const all = [];
  for (let i = 0; i < runs; i++) {
    one.push(await freshSync(ctx, label, i, env, names[i % WORKSPACES]));
    all.push(await freshSync(ctx, label, i, env, null));
  }
  if (one.some((r) => r.pulled !== tasks) || all.some((r) => r.pulled !== tasks * WORKSPACES)) {
    throw new Error(`workspaces ${label}: pulled ${JSON.stringify({ one, all })}`);
  }
  const m = (r) => ({ wallMs: median(r, 'wallMs'), bytes: median(r, 'bytes'), requests: median(r, 'requests') });
  return { one: m(one), all: m(all), runs };
}

function rowsFor(label, f, tasks) {
  if (f.skipped) return [{ metric: `workspaces ${label}: skipped`, value: f.skipped }];
  return [
    {
      metric: `workspaces ${label}: fresh sync of 1 of ${WORKSPACES} vs all`,
      value:
        `bytes ${fmt.ratio(f.one.bytes / f.all.bytes)} (${fmt.int(f.one.bytes)} vs ${fmt.int(f.all.bytes)}), ` +
        `time ${fmt.ratio(f.one.wallMs / f.all.wallMs)} (${fmt.ms(f.one.wallMs)} vs ${fmt.ms(f.all.wallMs)}), ` +
        `requests ${f.one.requests} vs ${f.all.requests}; ${fmt.int(tasks)} vs ${fmt.int(tasks * WORKSPACES)} tasks pulled`,
    },
  ];
}

export default {
  name: 'workspaces',
  summary: `selective sync: a fresh replica pulling 1 of ${WORKSPACES} workspaces vs all ${WORKSPACES}, bytes and time, on Supabase and Convex [--workspace-tasks=500 --workspace-runs=3]`,
  flags: { 'workspace-tasks': { default: 500, min: 1 }, 'workspace-runs': { default: 3, min: 1 } },
  async run(ctx) {
    const tasks = sectionFlags.workspaceTasks;
    const runs = sectionFlags.workspaceRuns;
    const user = 'ws-bench';
    let supabase = await startSupabase('postgres', [user]);
    let target = 'PostgreSQL';
    if (supabase.skipped) {
      ctx.log(`workspaces: ${supabase.skipped}; Supabase on PGlite instead`);
      supabase = await startSupabase('pglite', [user]);
      target = 'PGlite';
    }
    const convex = await startServer(ctx);
    try {
      const supabaseEnv = { CONVOY_SUPABASE_URL: supabase.url, CONVOY_SUPABASE_ANON_KEY: supabase.anonKey, CONVOY_SUPABASE_TOKEN: supabase.tokens[user] };
      const convexEnv = { CONVOY_CONVEX_URL: convex.url, CONVOY_CONVEX_TOKEN: await mintToken(ctx, user) };
      ctx.log(`workspaces: Supabase on ${target}`);
      const onSupabase = await measure(ctx, 'supabase', supabaseEnv, tasks, runs);
      ctx.log('workspaces: Convex');
      const onConvex = await measure(ctx, 'convex', convexEnv, tasks, runs);
      const figures = { tasksPerWorkspace: tasks, workspaces: WORKSPACES, supabase: { target, ...onSupabase }, convex: onConvex };
      return {
        figures,
        rows: [
          ...rowsFor(`Supabase on ${target}`, onSupabase, tasks),
          ...rowsFor('Convex (local test runtime)', onConvex, tasks),
          { metric: 'workspaces: how measured', value: `wire bytes received and wall time of one \`convoy sync\` process on a fresh replica, medians of ${runs} alternating runs` },
        ],
      };
    } finally {
      await Promise.all([supabase.stop?.(), convex.stop()]);
    }
  },
};
