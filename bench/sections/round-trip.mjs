// A sync round trip side by side with Taskwarrior, in one run: 1,000 queued
// tasks pushed by one replica (`convoy sync` / `task sync`), pulled by a
// fresh replica, and an idle sync of the first. convoy runs against the local
// Supabase server on a throwaway PostgreSQL cluster (the target), on PGlite,
// and against the local Convex server, reported apart (the Convex test
// runtime and PGlite are not production servers); Taskwarrior 2.6 against
// taskd on loopback over TLS (bench/taskwarrior.mjs; the section says how to
// install it and leaves that part out when it is missing). Every figure is
// the whole process's wall time, a median over --round-trip-runs runs, each
// run on a fresh server-side user; the systems alternate within a run so
// load drift hits all alike. Idle sync is also put beside `convoy status` on
// the same replica (start-up and reading the replica: the floor of any
// command). Targets (PostgreSQL): push + pull ≤ 1.0× Taskwarrior's, idle
// sync ≤ 1.5× status.
import { join } from 'node:path';
import { fmt, runConvoy, runTimed, sectionFlags, summarize } from '../lib.mjs';
import { copyReplica, createsFile, mintToken, queuedHome, runConvoyMetered, startServer } from '../local-convex.mjs';
import { startSupabase } from '../local-supabase.mjs';
import { findTaskwarrior, importTasks, pendingCount, startTaskd, taskwarriorImport } from '../taskwarrior.mjs';

const TASKS = 1_000;
const TARGET_ROUND_TRIP = 1.0;
const TARGET_IDLE = 1.5;

/** One convoy round trip for `env` (a fresh server-side user): push, fresh pull, idle sync, status. */
async function convoyRun(ctx, label, index, env) {
  const home = copyReplica(await queuedHome(ctx, TASKS), join(ctx.tmp, `rt-${label}-${index}-a`));
  const push = await runConvoyMetered(home, ['sync', '--json'], env);
  if (push.json.pushed !== TASKS) throw new Error(`round-trip ${label}: pushed ${JSON.stringify(push.json)}`);
  const pull = await runConvoyMetered(join(ctx.tmp, `rt-${label}-${index}-b`), ['sync', '--json'], env);
  if (pull.json.pulled !== TASKS) throw new Error(`round-trip ${label}: fresh replica pulled ${JSON.stringify(pull.json)}`);
  const idle = await runConvoyMetered(home, ['sync', '--json'], env);
  if (idle.json.pushed + idle.json.pulled !== 0) throw new Error(`round-trip ${label}: idle sync did work ${JSON.stringify(idle.json)}`);
  const status = await runConvoy(home, ['status'], { env, capture: true });
  return {
    pushMs: push.wallMs,
    pullMs: pull.wallMs,
    idleMs: idle.wallMs,
    statusMs: status.wallMs,
    echoed: push.json.pulled,
    pushRequests: push.http.requests,
    idleRequests: idle.http.requests,
  };
}

/** One Taskwarrior round trip: a fresh taskd user, 1,000 imported tasks synced up, a fresh client's first sync, an idle sync. */
async function taskwarriorRun(ctx, taskd, index, file) {
  const credentials = taskd.addUser(`run${index}`);
  const a = taskd.client(`run${index}-a`, credentials);
  const b = taskd.client(`run${index}-b`, credentials);
  importTasks(a, file);
  const sync = async (client) => {
    const result = await runTimed('task', ['sync'], { env: client.env, cwd: client.dir, capture: true });
    if (result.code !== 0) throw new Error(`task sync exited ${result.code}: ${result.stderr}`);
    return result.wallMs;
  };
  const pushMs = await sync(a);
  const pullMs = await sync(b);
  if (pendingCount(b) !== TASKS) throw new Error(`taskwarrior: the fresh client holds ${pendingCount(b)} tasks`);
  const idleMs = await sync(a);
  return { pushMs, pullMs, idleMs };
}

const median = (runs, key) => summarize(runs.map((r) => r[key]))?.median ?? null;

function medians(runs) {
  if (runs.length === 0) return null;
  const m = Object.fromEntries(['pushMs', 'pullMs', 'idleMs', 'statusMs', 'echoed', 'pushRequests', 'idleRequests'].map((k) => [k, median(runs, k)]));
  return { ...m, roundTripMs: summarize(runs.map((r) => r.pushMs + r.pullMs)).median, runs: runs.length };
}

function rowsFor(label, m, tw, target) {
  if (m?.skipped) return [{ metric: `round-trip ${label}: skipped`, value: m.skipped }];
  const rows = [
    {
      metric: `round-trip ${label}: push ${fmt.int(TASKS)} + fresh pull`,
      value: `${fmt.ms(m.roundTripMs)} (push ${fmt.ms(m.pushMs)}, pull ${fmt.ms(m.pullMs)}; ${tw ? `${fmt.ratio(m.roundTripMs / tw.roundTripMs)} Taskwarrior's` : 'no Taskwarrior'})`,
      ...(target && tw ? { target: `≤ ${TARGET_ROUND_TRIP}× Taskwarrior`, ok: m.roundTripMs <= TARGET_ROUND_TRIP * tw.roundTripMs } : {}),
    },
    {
      metric: `round-trip ${label}: idle sync / status`,
      value: `${fmt.ratio(m.idleMs / m.statusMs)} (sync ${fmt.ms(m.idleMs)}, ${m.idleRequests} request(s); status ${fmt.ms(m.statusMs)}${tw ? `; ${fmt.ratio(m.idleMs / tw.idleMs)} Taskwarrior's idle sync` : ''})`,
      ...(target ? { target: `≤ ${TARGET_IDLE}×`, ok: m.idleMs <= TARGET_IDLE * m.statusMs } : {}),
    },
  ];
  rows.push({ metric: `round-trip ${label}: echo`, value: `${m.echoed} of the ${fmt.int(TASKS)} pushed pulled back by the same sync; push in ${m.pushRequests} request(s)` });
  return rows;
}

export default {
  name: 'round-trip',
  summary: 'push 1,000 / fresh pull / idle sync: convoy on Supabase (PostgreSQL, PGlite) and Convex beside Taskwarrior + taskd [--round-trip-runs=5]',
  flags: { 'round-trip-runs': { default: 5, min: 1 } },
  async run(ctx) {
    const runs = sectionFlags.roundTripRuns;
    const users = Array.from({ length: runs }, (_, i) => `rt-${i}`);
    const missing = findTaskwarrior();
    if (missing) ctx.log(`round-trip: Taskwarrior left out: ${missing}`);
    const taskd = missing ? null : await startTaskd(join(ctx.tmp, 'taskd'));
    const twFile = taskd ? taskwarriorImport(await createsFile(ctx, TASKS), join(ctx.tmp, 'taskwarrior-import.json')) : null;
    const servers = { postgres: await startSupabase('postgres', users), pglite: await startSupabase('pglite', users), convex: await startServer(ctx) };
    const results = { taskwarrior: [], postgres: [], pglite: [], convex: [] };
    try {
      for (let i = 0; i < runs; i++) {
        ctx.log(`round-trip: run ${i + 1} of ${runs}`);
        if (taskd) results.taskwarrior.push(await taskwarriorRun(ctx, taskd, i, twFile));
        for (const target of ['postgres', 'pglite']) {
          const s = servers[target];
          if (s.skipped) continue;
          const env = { CONVOY_SUPABASE_URL: s.url, CONVOY_SUPABASE_ANON_KEY: s.anonKey, CONVOY_SUPABASE_TOKEN: s.tokens[users[i]] };
          results[target].push(await convoyRun(ctx, target, i, env));
        }
        const env = { CONVOY_CONVEX_URL: servers.convex.url, CONVOY_CONVEX_TOKEN: await mintToken(ctx, users[i]) };
        results.convex.push(await convoyRun(ctx, 'convex', i, env));
      }
    } finally {
      await Promise.all([taskd?.stop(), servers.postgres.stop?.(), servers.pglite.stop?.(), servers.convex.stop()]);
    }
    const tw = medians(results.taskwarrior);
    const figures = {
      tasks: TASKS,
      taskwarrior: tw ? { ...tw, version: taskd.version } : { skipped: missing },
      postgres: servers.postgres.skipped ? { skipped: servers.postgres.skipped } : medians(results.postgres),
      pglite: medians(results.pglite),
      convex: medians(results.convex),
    };
    return {
      figures,
      rows: [
        tw
          ? { metric: `round-trip Taskwarrior ${taskd.version} + taskd (TLS)`, value: `push ${fmt.ms(tw.pushMs)}, pull ${fmt.ms(tw.pullMs)} (total ${fmt.ms(tw.roundTripMs)}), idle sync ${fmt.ms(tw.idleMs)}` }
          : { metric: 'round-trip Taskwarrior: skipped', value: missing },
        ...rowsFor('Supabase on PostgreSQL', figures.postgres, tw, true),
        ...rowsFor('Supabase on PGlite', figures.pglite, tw, false),
        ...rowsFor('Convex (local test runtime)', figures.convex, tw, false),
        { metric: 'round-trip: how measured', value: `wall time of each whole process (start to exit), medians of ${runs} runs, a fresh server-side user per run` },
      ],
    };
  },
};
