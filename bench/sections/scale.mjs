// A replica of a million tasks (--scale-rows): every command a person runs on
// it, and the board in a real terminal (tmux), each command as a ratio to
// `convoy list --limit 50` on the same replica (start-up plus one small read).
//
// The replica is built once with `convoy import` (timed; the floor's import of
// the same file into a second replica, for the ratio, runs after the measurements) and kept in
// .convoy-tmp/bench-scale-<rows>/ for later runs; --fresh builds it again (so
// does a replica of an older schema). Commands that write (add) leave their
// tasks there: a few more tasks in a million change nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOk, CONVOY_BIN, convoyEnv, countRows, FLOOR_IMPORT, fmt, processCpuMs, ROOT, runConvoy, runNode, runWorker, sectionFlags, summarize, withReplica } from '../lib.mjs';
import { generateImportFile } from './import.mjs';
import { boardFigures } from './scale-board.mjs';

const RATIO_TARGET = 1.5;
const BOARD_TARGETS = { firstFrameMs: 1_500, rssMb: 200, idleCpuPct: 10, liveMs: 1_500 };
const PROJECT = 'Scale';

const journalEntries = () => JSON.parse(readFileSync(join(ROOT, 'drizzle', 'meta', '_journal.json'), 'utf8')).entries.length;

/** The kept replica when it is complete and of this build's schema, else null. */
function keptReplica(dir, rows) {
  const facts = join(dir, 'build.json');
  if (!existsSync(facts)) return null;
  const build = JSON.parse(readFileSync(facts, 'utf8'));
  const version = withReplica(join(dir, 'home', 'replica.db'), (db) => db.pragma('user_version', { simple: true }));
  return build.rows === rows && version === journalEntries() ? build : null;
}

/** Long enough for a million rows on a loaded machine (runTimed's default is 10 minutes). */
const BUILD_TIMEOUT_MS = 90 * 60_000;

/** Build the replica: import `rows` generated tasks (every 10th in project Scale); the file is kept for the floor. */
async function build(ctx, dir, rows) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tasks.jsonl');
  ctx.log(`scale: generating ${fmt.int(rows)} import lines`);
  const bytes = await generateImportFile(file, rows, (i) => (i % 10 === 0 ? { project: PROJECT } : {}));
  const home = join(dir, 'home');
  assertOk(await runConvoy(home, ['project', 'add', PROJECT]), 'convoy project add');
  ctx.log(`scale: convoy import of ${fmt.bytes(bytes)} (this takes minutes)`);
  const imported = assertOk(await runConvoy(home, ['import', file, '--json'], { capture: true, timeoutMs: BUILD_TIMEOUT_MS }), 'convoy import');
  const tasks = countRows(join(home, 'replica.db')).tasks;
  if (tasks !== rows) throw new Error(`scale: the replica holds ${tasks} tasks after importing ${rows}`);
  const figures = {
    rows,
    fileBytes: bytes,
    import: { wallMs: Math.round(imported.wallMs), cpuMs: imported.cpuMs, maxRssMb: imported.maxRssKb / 1024 },
    floor: null,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'build.json'), JSON.stringify(figures));
  return figures;
}

/** The floor's import of the same file into a fresh replica (after the measurements: it takes as long as the build). */
async function floorImport(ctx, dir, built) {
  const file = join(dir, 'tasks.jsonl');
  const floorHome = join(dir, 'floor');
  assertOk(await runConvoy(floorHome, ['project', 'add', 'floor']), 'convoy project add (floor replica)');
  ctx.log('scale: floor import of the same file, for the ratio');
  const floor = assertOk(await runNode(FLOOR_IMPORT, [join(floorHome, 'replica.db'), file], { timeoutMs: BUILD_TIMEOUT_MS }), 'floor import');
  rmSync(floorHome, { recursive: true, force: true });
  rmSync(file, { force: true });
  const figures = { ...built, floor: { wallMs: Math.round(floor.wallMs), cpuMs: floor.cpuMs, maxRssMb: floor.maxRssKb / 1024 } };
  writeFileSync(join(dir, 'build.json'), JSON.stringify(figures));
  return figures;
}

/** The commands, each run `runs` times interleaved with the others (load drift hits all alike). */
const COMMANDS = [
  { key: 'list', label: 'list --limit 50', args: ['list', '--limit', '50'] },
  { key: 'status', label: 'list --status todo --limit 50', args: ['list', '--status', 'todo', '--limit', '50'] },
  { key: 'statuses', label: 'list --status todo,done --limit 50', args: ['list', '--status', 'todo,done', '--limit', '50'] },
  { key: 'search', label: 'list --search 99999 --limit 50', args: ['list', '--search', '99999', '--limit', '50'] },
  { key: 'pending', label: 'list --pending --limit 50', args: ['list', '--pending', '--limit', '50'] },
  { key: 'project', label: `list --project ${PROJECT} --limit 50`, args: ['list', '--project', PROJECT, '--limit', '50'] },
  { key: 'statusCmd', label: 'status', args: ['status'] },
  { key: 'add', label: 'add', args: ['add', 'scale: added by the bench'] },
];

async function commandFigures(ctx, home, runs) {
  const results = Object.fromEntries(COMMANDS.map((c) => [c.key, []]));
  for (let i = 0; i < runs + 1; i++) {
    for (const command of COMMANDS) {
      const result = assertOk(await runConvoy(home, command.args), `convoy ${command.label}`);
      if (i > 0) results[command.key].push(result); // the first round warms the page cache
    }
  }
  const out = {};
  for (const command of COMMANDS) {
    const rs = results[command.key];
    out[command.key] = {
      label: command.label,
      wallMs: summarize(rs.map((r) => r.wallMs)),
      cpuMs: summarize(rs.map((r) => r.cpuMs)),
      maxRssMb: summarize(rs.map((r) => r.maxRssKb / 1024)),
    };
  }
  const base = out.list.wallMs.median;
  const baseCpu = out.list.cpuMs?.median;
  for (const command of COMMANDS) {
    out[command.key].ratio = Math.round((out[command.key].wallMs.median / base) * 100) / 100;
    // CPU time is steadier than wall time on a machine shared with other work.
    out[command.key].cpuRatio = baseCpu ? Math.round((out[command.key].cpuMs.median / baseCpu) * 100) / 100 : null;
  }
  return out;
}

const PULL_ROWS = 10_000;

/**
 * A pull of PULL_ROWS new tasks (client only, from the generating double)
 * into the big replica, whose million tasks all have queued ops, against the
 * same pull into an empty replica: per CPU-second, the ratio says whether a
 * pull's cost grows with the replica. Each run continues from the big
 * replica's cursor, so kept replicas keep growing by PULL_ROWS.
 */
async function pullFigures(ctx, home) {
  const path = join(home, 'replica.db');
  const cursor = withReplica(path, (db) => db.prepare("SELECT cursor FROM sync_state WHERE table_name = 'tasks'").get()?.cursor ?? 0);
  const rate = ({ output }) => Math.round((PULL_ROWS / (output.cpuMs - output.serveMs)) * 1000);
  ctx.log(`scale: pulling ${fmt.int(PULL_ROWS)} rows into the big replica and into an empty one`);
  const big = await runWorker('pull-double.ts', { replica: path, rows: cursor + PULL_ROWS, pageSize: 1_000 });
  const empty = await runWorker('pull-double.ts', { replica: join(ctx.tmp, 'scale-pull-empty.db'), rows: PULL_ROWS, pageSize: 1_000 });
  if (big.output.pulled !== PULL_ROWS || empty.output.pulled !== PULL_ROWS) throw new Error(`scale: pulled ${big.output.pulled} and ${empty.output.pulled}, expected ${PULL_ROWS} each`);
  return { rows: PULL_ROWS, bigRowsPerCpuSec: rate(big), emptyRowsPerCpuSec: rate(empty), bigPeakRssMb: big.maxRssKb / 1024 };
}

/** A fresh replica of ten tasks (a temp home): what the board's start-up alone costs. */
async function smallHome(ctx) {
  const home = join(ctx.tmp, 'scale-small');
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ op: 'create', title: `small ${i}` })).join('\n');
  const file = join(ctx.tmp, 'scale-small.jsonl');
  writeFileSync(file, lines);
  assertOk(await runConvoy(home, ['import', file]), 'convoy import (ten tasks)');
  return home;
}

/**
 * The board measured on the big replica (first frame, memory, idle CPU, live
 * adds, G), then its first frame `runs` times on each replica, big and ten
 * tasks interleaved (load drift hits both alike): medians.
 */
async function boards(ctx, home, runs) {
  const on = (at, quick) => boardFigures(ctx, { home: at, bin: CONVOY_BIN, env: convoyEnv(at), cpuMs: processCpuMs, quick });
  const board = await on(home, false);
  const small = await smallHome(ctx);
  const big = [board];
  const ten = [];
  for (let i = 0; i < runs; i++) {
    ten.push(await on(small, true));
    if (big.length < runs) big.push(await on(home, true));
  }
  const frames = (rs) => ({ firstFrames: summarize(rs.map((r) => r.firstFrameMs)), firstFrameCpu: summarize(rs.map((r) => r.firstFrameCpuMs)) });
  return { board: { ...board, ...frames(big) }, small: { ...ten.at(-1), ...frames(ten) } };
}

export default {
  name: 'scale',
  optIn: true,
  summary: 'a 1M-task replica (kept; --fresh rebuilds): every command as a ratio to list --limit 50, the board in tmux [--scale-rows=N --scale-runs=5 --scale-frames=5]',
  flags: { 'scale-rows': { default: 1_000_000, min: 1_000 }, 'scale-runs': { default: 5, min: 1 }, 'scale-frames': { default: 5, min: 1 }, fresh: { default: false, boolean: true } },
  async run(ctx) {
    const { scaleRows: rows, scaleRuns: runs, scaleFrames: frameRuns, fresh } = sectionFlags;
    const dir = join(ROOT, '.convoy-tmp', `bench-scale-${rows}`);
    const kept = fresh ? null : keptReplica(dir, rows);
    if (kept) ctx.log(`scale: reusing the replica built ${kept.builtAt} in ${dir} (--fresh rebuilds it)`);
    let built = kept ?? (await build(ctx, dir, rows));
    const home = join(dir, 'home');
    ctx.log(`scale: ${runs} runs of each command on ${fmt.int(rows)} tasks`);
    const commands = await commandFigures(ctx, home, runs);
    const haveTmux = spawnSync('tmux', ['-V']).status === 0;
    // The same board on a replica of ten tasks too: what start-up alone costs on this machine now.
    const { board, small } = haveTmux ? await boards(ctx, home, frameRuns) : { board: null, small: null };
    if (!haveTmux) ctx.log('scale: tmux is missing (apt-get install tmux): board figures skipped');
    const pull = await pullFigures(ctx, home);
    if (!built.floor) built = await floorImport(ctx, dir, built);
    const figures = { rows, reusedReplica: Boolean(kept), build: built, commands, board, boardAtTenTasks: small, pull, targets: { ratio: RATIO_TARGET, ...BOARD_TARGETS } };
    const rowsOut = [
      { metric: `replica: ${fmt.int(rows)} tasks`, value: `${kept ? 'kept from' : 'built'} ${built.builtAt}; import ${fmt.ms(built.import.wallMs)} (peak RSS ${fmt.mib(built.import.maxRssMb * 1024)}), floor ${fmt.ms(built.floor.wallMs)} (peak RSS ${fmt.mib(built.floor.maxRssMb * 1024)}): ${fmt.ratio(built.import.wallMs / built.floor.wallMs)}` },
      ...COMMANDS.map((c) => {
        const f = commands[c.key];
        const row = {
          metric: c.label,
          value: `${fmt.ms(f.wallMs.median)} (p90 ${fmt.ms(f.wallMs.p90)}; CPU ${fmt.ms(f.cpuMs?.median)}: ${fmt.ratio(f.cpuRatio)}; RSS ${fmt.mib(f.maxRssMb.median * 1024)}): ${fmt.ratio(f.ratio)}`,
        };
        return c.key === 'list' ? row : { ...row, target: `≤ ${RATIO_TARGET}×`, ok: f.ratio <= RATIO_TARGET };
      }),
    ];
    rowsOut.push({
      metric: `pull ${fmt.int(pull.rows)} rows (client only), per CPU-s`,
      value: `${fmt.int(pull.bigRowsPerCpuSec)} rows/CPU-s into the big replica, ${fmt.int(pull.emptyRowsPerCpuSec)} into an empty one: ${fmt.ratio(pull.emptyRowsPerCpuSec / pull.bigRowsPerCpuSec)} the cost (peak RSS ${fmt.mib(pull.bigPeakRssMb * 1024)})`,
    });
    if (board) {
      rowsOut.push(
        {
          metric: `board: first frame, median of ${board.firstFrames.n}`,
          value:
            `${fmt.ms(board.firstFrames.median)} (min ${fmt.ms(board.firstFrames.min)}, max ${fmt.ms(board.firstFrames.max)}; CPU ${fmt.ms(board.firstFrameCpu?.median)}); ` +
            `${fmt.ms(small.firstFrames.median)} with ten tasks (CPU ${fmt.ms(small.firstFrameCpu?.median)}): ${fmt.ratio(board.firstFrames.median / small.firstFrames.median)}`,
          target: `≤ ${fmt.ms(BOARD_TARGETS.firstFrameMs)}`,
          ok: board.firstFrames.median <= BOARD_TARGETS.firstFrameMs,
        },
        { metric: 'board: resident memory (peak)', value: `${board.rssMb.toFixed(0)} MiB (peak ${board.peakRssMb.toFixed(0)} MiB; ${small.peakRssMb.toFixed(0)} MiB with ten tasks)`, target: `≤ ${BOARD_TARGETS.rssMb} MiB`, ok: board.peakRssMb <= BOARD_TARGETS.rssMb },
        { metric: `board: idle CPU over ${board.idleSeconds} s`, value: `${board.idleCpuPct.toFixed(1)}% of one core`, target: `< ${BOARD_TARGETS.idleCpuPct}%`, ok: board.idleCpuPct < BOARD_TARGETS.idleCpuPct },
        { metric: "board: another process's add visible", value: `${fmt.ms(board.liveMs.median)} median (max ${fmt.ms(board.liveMs.max)}, n=${board.liveMs.n})`, target: `≤ ${fmt.ms(BOARD_TARGETS.liveMs)}`, ok: board.liveMs.max <= BOARD_TARGETS.liveMs },
        { metric: 'board: G (end of To do) drawn', value: fmt.ms(board.endKeyMs) },
      );
    }
    return { figures, rows: rowsOut };
  },
};
