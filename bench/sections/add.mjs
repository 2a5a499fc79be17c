// `convoy add` against the floor (bench/floor-add.mjs) and, for scale, an
// empty Node process: interleaved run by run on the same replica so that load
// drift on a busy machine hits all of them alike.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertOk, countRows, DIST, FLOOR_ADD, fmt, orphanCounts, PROBE, quantile, runConvoy, runNode, runTimed, summarize } from '../lib.mjs';

const TARGET_RATIO = 1.2;
const WORDS = ['Fix login', 'Write docs', 'Review PR', 'Ship it', 'Call Ana', 'Tidy backlog', 'Été: café', 'Plan Q3 offsite', 'Bump deps'];

/** The task model's flags on one add: a due date to parse, a priority, two tags (two more records and ops in the same transaction). */
const MODEL_FLAGS = ['--due', 'tomorrow', '--priority', 'H', '--tag', 'bench', '--tag', 'home'];

// `tasks`/`ops`: the rows each run writes (checked after the runs).
const PROGRAMS = [
  { key: 'convoy', label: 'convoy add', tasks: 1, ops: 1, run: (ctx, title) => runConvoy(ctx.home, ['add', title]) },
  { key: 'flags', label: 'convoy add --due --priority --tag×2', tasks: 1, ops: 3, run: (ctx, title) => runConvoy(ctx.home, ['add', title, ...MODEL_FLAGS]) },
  { key: 'floor', label: 'floor add', tasks: 1, ops: 1, run: (ctx, title) => runNode(FLOOR_ADD, [ctx.replica, title]) },
  { key: 'node', label: 'node -e ""', tasks: 0, ops: 0, run: () => runTimed(process.execPath, ['--require', PROBE, '-e', '']) },
];

/** Names and mtimes of dist/'s files: a concurrent rebuild (or code-cache rewrite) changes it. */
function distSignature() {
  try {
    return readdirSync(dirname(DIST))
      .map((name) => `${name}@${statSync(join(dirname(DIST), name)).mtimeMs}`)
      .sort()
      .join(',');
  } catch {
    return null;
  }
}

export default {
  name: 'add',
  summary: 'median wall/CPU time of `convoy add` vs the floor, interleaved',
  async run(ctx) {
    const { runs, warmup } = ctx.options;
    // The first add creates and migrates the replica (and the V8 code cache if missing).
    assertOk(await runConvoy(ctx.home, ['add', 'bench: first add']), 'convoy add');
    for (let i = 0; i < warmup; i++) {
      for (const program of PROGRAMS) assertOk(await program.run(ctx, `warm-up ${i}`), program.label);
    }
    const before = countRows(ctx.replica);
    const distBefore = distSignature();
    const samples = Object.fromEntries(PROGRAMS.map((p) => [p.key, []]));
    ctx.log(`add: ${runs} interleaved runs each of ${PROGRAMS.map((p) => p.label).join(', ')}`);
    for (let i = 0; i < runs; i++) {
      const title = `${WORDS[i % WORDS.length]} #${i}`;
      // Rotate the order every run so no program always follows another.
      for (let k = 0; k < PROGRAMS.length; k++) {
        const program = PROGRAMS[(i + k) % PROGRAMS.length];
        samples[program.key].push(assertOk(await program.run(ctx, title), program.label));
      }
    }
    const distChanged = distBefore !== distSignature();

    // Every measured add (convoy and floor) landed, row and op.
    const after = countRows(ctx.replica);
    const orphans = orphanCounts(ctx.replica);
    const expected = { tasks: runs * PROGRAMS.reduce((n, p) => n + p.tasks, 0), ops: runs * PROGRAMS.reduce((n, p) => n + p.ops, 0) };
    if (after.tasks - before.tasks !== expected.tasks || after.ops - before.ops !== expected.ops) {
      throw new Error(`add: expected ${expected.tasks} new tasks and ${expected.ops} ops, got ${after.tasks - before.tasks} tasks, ${after.ops - before.ops} ops`);
    }
    if (orphans.tasksWithoutOneCreate || orphans.opsWithoutTask) throw new Error(`add: half-written changes ${JSON.stringify(orphans)}`);

    const stats = {};
    for (const program of PROGRAMS) {
      const xs = samples[program.key];
      stats[program.key] = {
        wallMs: summarize(xs.map((r) => r.wallMs)),
        cpuMs: summarize(xs.map((r) => r.cpuMs)),
        procCpuMs: summarize(xs.map((r) => r.procCpuMs)),
        maxRssMb: summarize(xs.map((r) => (r.maxRssKb === null ? null : r.maxRssKb / 1024))),
      };
    }
    // Median of the run-by-run ratios: each convoy run against the floor run next to it.
    const paired = (key, field) => {
      const ratios = samples[key].map((r, i) => r[field] / samples.floor[i][field]).filter(Number.isFinite);
      return ratios.length ? quantile(ratios, 0.5) : null;
    };
    const ratioOf = (key) => ({
      wall: stats[key].wallMs.median / stats.floor.wallMs.median,
      cpu: stats[key].cpuMs && stats.floor.cpuMs ? stats[key].cpuMs.median / stats.floor.cpuMs.median : null,
      pairedWall: paired(key, 'wallMs'),
      pairedCpu: paired(key, 'cpuMs'),
    });
    const ratio = ratioOf('convoy');
    const flags = ratioOf('flags');
    const round = (v) => (v === null ? null : Math.round(v * 1000) / 1000);
    const figures = {
      runs,
      warmup,
      ...stats,
      ratioWall: round(ratio.wall),
      ratioCpu: round(ratio.cpu),
      pairedRatioWallMedian: round(ratio.pairedWall),
      pairedRatioCpuMedian: round(ratio.pairedCpu),
      flagsRatioWall: round(flags.wall),
      flagsRatioCpu: round(flags.cpu),
      flagsPairedRatioWallMedian: round(flags.pairedWall),
      flagsPairedRatioCpuMedian: round(flags.pairedCpu),
      overheadWallMs: Math.round((stats.convoy.wallMs.median - stats.floor.wallMs.median) * 10) / 10,
      targetRatio: TARGET_RATIO,
      distChangedDuringRun: distChanged,
    };
    const timing = (s) => `${fmt.ms(s.wallMs.median)} (p90 ${fmt.ms(s.wallMs.p90)})`;
    const rows = [
      ...PROGRAMS.map((p) => ({ metric: `${p.label}: wall median`, value: timing(stats[p.key]) })),
      { metric: 'ratio convoy/floor, wall', value: `${fmt.ratio(ratio.wall)} (paired ${fmt.ratio(ratio.pairedWall)})`, target: `≤ ${TARGET_RATIO}×`, ok: ratio.wall <= TARGET_RATIO },
      ...PROGRAMS.map((p) => ({
        metric: `${p.label}: CPU median`,
        value: `${fmt.ms(stats[p.key].cpuMs?.median)} (p90 ${fmt.ms(stats[p.key].cpuMs?.p90)}, ${fmt.mib(stats[p.key].maxRssMb?.median * 1024)} RSS)`,
      })),
      { metric: 'ratio convoy/floor, CPU', value: `${fmt.ratio(ratio.cpu)} (paired ${fmt.ratio(ratio.pairedCpu)})`, target: `≤ ${TARGET_RATIO}×`, ok: ratio.cpu !== null && ratio.cpu <= TARGET_RATIO },
      // The flags add two records and ops and parse a date; the floor stays the one-row add.
      { metric: 'ratio add with flags/floor, wall', value: `${fmt.ratio(flags.wall)} (paired ${fmt.ratio(flags.pairedWall)})`, target: `≤ ${TARGET_RATIO}×`, ok: flags.wall <= TARGET_RATIO },
      { metric: 'ratio add with flags/floor, CPU', value: `${fmt.ratio(flags.cpu)} (paired ${fmt.ratio(flags.pairedCpu)})`, target: `≤ ${TARGET_RATIO}×`, ok: flags.cpu !== null && flags.cpu <= TARGET_RATIO },
    ];
    if (distChanged) {
      ctx.log('add: WARNING dist/main.cjs or its code cache changed during the measured runs (a concurrent build?); rerun for clean figures');
      rows.push({ metric: 'warning', value: 'dist/ changed during the runs; rerun' });
    }
    return { figures, rows };
  },
};
