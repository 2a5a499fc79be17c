// `convoy import` throughput: a generated JSON-lines file of creates, imported
// end to end into a fresh replica (seeded with one task, so migrations are not
// timed), then verified by counting rows with better-sqlite3 read-only.
// Interleaved with bench/floor-import.mjs (the same inserts with bare
// better-sqlite3) so the figure can be read against what SQLite costs here.
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { assertOk, countRows, FLOOR_IMPORT, fmt, orphanCounts, runConvoy, runNode, summarize } from '../lib.mjs';

const TARGET_OPS_PER_SEC = 50_000;
const STATUSES = ['todo', 'todo', 'todo', 'in_progress', 'in_progress', 'done', 'canceled'];
const STAGES = ['', '', 'triage', 'design', 'review', 'qa', 'blocked on vendor', 'étape 2'];
const VERBS = ['Fix', 'Write', 'Review', 'Ship', 'Refactor', 'Investigate', 'Document', 'Plan', 'Call', 'Réparer'];
const THINGS = ['login form', 'sync daemon', 'README', 'billing export', 'flaky test', 'onboarding email', 'Q3 roadmap', 'café menu', '🚀 launch', 'SQLite WAL'];

/** Small deterministic PRNG (mulberry32): the same file on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Write `lines` create lines to `path`: varied titles, statuses, stages; ~30%
 * with descriptions. `extra(i)` may add fields to line i (e.g. a project).
 */
export async function generateImportFile(path, lines, extra = () => ({})) {
  const random = prng(lines);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const out = createWriteStream(path);
  let buffer = '';
  for (let i = 0; i < lines; i++) {
    const line = { op: 'create', title: `${pick(VERBS)} ${pick(THINGS)} #${i}${random() < 0.1 ? ' — with a longer tail to make some titles wordier than others' : ''}` };
    line.status = pick(STATUSES);
    const stage = pick(STAGES);
    if (stage) line.stage = stage;
    if (random() < 0.3) {
      line.description = Array.from({ length: 1 + Math.floor(random() * 6) }, () => `${pick(VERBS)} the ${pick(THINGS)}.`).join(random() < 0.2 ? '\n' : ' ');
    }
    Object.assign(line, extra(i));
    buffer += `${JSON.stringify(line)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return statSync(path).size;
}

/** The import file for this bench run, generated once. */
async function importFile(ctx) {
  if (!ctx.shared.importFile) {
    const path = join(ctx.tmp, `import-${ctx.options.lines}.jsonl`);
    const bytes = await generateImportFile(path, ctx.options.lines);
    ctx.shared.importFile = { path, bytes, lines: ctx.options.lines };
  }
  return ctx.shared.importFile;
}

const PROGRAMS = {
  convoy: (ctx, home, file) => runConvoy(home, ['import', file, '--json'], { capture: true }),
  floor: (ctx, home, file) => runNode(FLOOR_IMPORT, [join(home, 'replica.db'), file]),
};

/**
 * Import the file into a fresh CONVOY_HOME with `convoy import` (or the floor
 * program) and verify the replica gained exactly one task and one create op
 * per line. Returns the timed result.
 */
async function importOnce(ctx, home, program = 'convoy') {
  const file = await importFile(ctx);
  const replica = join(home, 'replica.db');
  assertOk(await runConvoy(home, ['add', 'seed: created before the import']), 'convoy add');
  const before = countRows(replica);
  const result = assertOk(await PROGRAMS[program](ctx, home, file.path), `${program} import`);
  const summary = program === 'convoy' ? JSON.parse(result.stdout.toString('utf8')) : { created: file.lines };
  const after = countRows(replica);
  const orphans = orphanCounts(replica);
  const gained = { tasks: after.tasks - before.tasks, ops: after.ops - before.ops };
  if (summary.created !== file.lines || gained.tasks !== file.lines || gained.ops !== file.lines) {
    throw new Error(
      `${program} import: expected ${file.lines} created tasks and ops, got summary ${JSON.stringify(summary)}, replica +${gained.tasks} tasks, +${gained.ops} ops`,
    );
  }
  if (orphans.tasksWithoutOneCreate || orphans.opsWithoutTask) throw new Error(`${program} import: half-written changes ${JSON.stringify(orphans)}`);
  return { ...result, summary, tasks: after.tasks, home };
}

/** A replica holding an imported file's worth of tasks, for the sections that read (list). */
export async function ensureImported(ctx) {
  if (!ctx.shared.imported) {
    ctx.log(`preparing a replica with ${fmt.int(ctx.options.lines)} imported tasks`);
    const result = await importOnce(ctx, join(ctx.tmp, 'import-convoy-1'));
    ctx.shared.imported = { home: result.home, tasks: result.tasks };
  }
  return ctx.shared.imported;
}

export default {
  name: 'import',
  summary: '`convoy import` of a generated JSON-lines file, end to end, verified',
  async run(ctx) {
    const { importRuns } = ctx.options;
    const file = await importFile(ctx);
    ctx.log(`import: ${importRuns} × ${fmt.int(file.lines)} lines (${fmt.bytes(file.bytes)}) with convoy and with the floor, interleaved, each into a fresh replica`);
    const results = { convoy: [], floor: [] };
    for (let i = 1; i <= importRuns; i++) {
      const order = i % 2 ? ['convoy', 'floor'] : ['floor', 'convoy'];
      for (const program of order) {
        const result = await importOnce(ctx, join(ctx.tmp, `import-${program}-${i}`), program);
        if (program === 'convoy' && !ctx.shared.imported) ctx.shared.imported = { home: result.home, tasks: result.tasks };
        ctx.log(`import: ${program} run ${i}: ${fmt.ms(result.wallMs)}`);
        results[program].push(result);
      }
    }
    const stats = (xs) => ({
      wallMs: summarize(xs.map((r) => r.wallMs)),
      cpuMs: summarize(xs.map((r) => r.cpuMs)),
      maxRssMb: summarize(xs.map((r) => (r.maxRssKb === null ? null : r.maxRssKb / 1024))),
    });
    const convoy = stats(results.convoy);
    const floor = stats(results.floor);
    const perSec = (ms) => (ms ? Math.round((file.lines / ms) * 1000) : null);
    const opsPerSec = perSec(convoy.wallMs.median);
    const figures = {
      lines: file.lines,
      fileBytes: file.bytes,
      runs: importRuns,
      ...convoy,
      opsPerSec,
      bestOpsPerSec: perSec(convoy.wallMs.min),
      opsPerCpuSec: perSec(convoy.cpuMs?.median),
      reportedDurationMs: summarize(results.convoy.map((r) => r.summary.durationMs)),
      floor: { ...floor, opsPerSec: perSec(floor.wallMs.median), opsPerCpuSec: perSec(floor.cpuMs?.median) },
      ratioWall: Math.round((convoy.wallMs.median / floor.wallMs.median) * 1000) / 1000,
      ratioCpu: convoy.cpuMs && floor.cpuMs ? Math.round((convoy.cpuMs.median / floor.cpuMs.median) * 1000) / 1000 : null,
      verified: true,
      targetOpsPerSec: TARGET_OPS_PER_SEC,
    };
    const rows = [
      { metric: `convoy import ${fmt.int(file.lines)}: wall median`, value: `${fmt.ms(convoy.wallMs.median)} (min ${fmt.ms(convoy.wallMs.min)}, max ${fmt.ms(convoy.wallMs.max)}, n=${convoy.wallMs.n})` },
      { metric: 'convoy import throughput', value: `${fmt.int(opsPerSec)} ops/s (best ${fmt.int(figures.bestOpsPerSec)})`, target: `≥ ${fmt.int(TARGET_OPS_PER_SEC)}`, ok: opsPerSec >= TARGET_OPS_PER_SEC },
      { metric: 'convoy import: CPU / peak RSS', value: `${fmt.ms(convoy.cpuMs?.median)} (${fmt.int(figures.opsPerCpuSec)} ops per CPU-s) / ${fmt.mib(convoy.maxRssMb?.median * 1024)}` },
      { metric: 'floor import: wall median', value: `${fmt.ms(floor.wallMs.median)} (${fmt.int(figures.floor.opsPerSec)} ops/s; CPU ${fmt.ms(floor.cpuMs?.median)})` },
      { metric: 'ratio convoy/floor import, wall / CPU', value: `${fmt.ratio(figures.ratioWall)} / ${fmt.ratio(figures.ratioCpu)}` },
      { metric: 'import: verified', value: `+${fmt.int(file.lines)} tasks, +${fmt.int(file.lines)} ops, one create op each` },
    ];
    return { figures, rows };
  },
};
