// Shared helpers for the bench sections: spawning timed children, statistics,
// counting rows in a replica, formatting.
import { Buffer } from 'node:buffer';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONVOY_BIN = join(ROOT, 'bin', 'convoy.cjs');
export const FLOOR_ADD = join(ROOT, 'bench', 'floor-add.mjs');
export const FLOOR_IMPORT = join(ROOT, 'bench', 'floor-import.mjs');
export const PROBE = join(ROOT, 'bench', 'rusage-probe.cjs');
export const DIST = join(ROOT, 'dist', 'main.cjs');

/** Build dist/main.cjs when it is missing (`npm run bench` builds first anyway). */
export function ensureBuilt() {
  if (!existsSync(DIST)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

let clockTicks;
/** Seconds per /proc clock tick (USER_HZ, normally 100). */
function tickMs() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return 1000 / clockTicks;
}

/**
 * CPU time (ms) of this process's reaped children, from /proc/self/stat
 * (cutime + cstime), or null off Linux. Coarse (one clock tick, 10 ms) but it
 * misses nothing: it includes a child's whole life up to its last instruction.
 */
function childrenCpuMs() {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime is field 16, cstime field 17.
    return (Number(fields[13]) + Number(fields[14])) * tickMs();
  } catch {
    return null;
  }
}

/**
 * Run one child to completion and time it.
 * Wall time runs from just before spawn to the child's exit. CPU time comes
 * from the rusage probe (when the child is node with `--require PROBE`) and,
 * coarsely, from /proc. Run one child at a time: the /proc figure is a delta
 * over all reaped children.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, capture?: boolean, timeoutMs?: number }} [options]
 */
export function runTimed(command, args, { env = process.env, cwd = ROOT, capture = false, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const procBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let wallMs = 0;
    const stdout = [];
    let stdoutBytes = 0;
    let stderr = '';
    let probe = '';
    child.stdout.on('data', (chunk) => {
      stdoutBytes += chunk.length;
      if (capture) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8192);
    });
    child.stdio[3].on('data', (chunk) => (probe += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      wallMs = performance.now() - started;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const procAfter = childrenCpuMs();
      let usage = null;
      try {
        usage = probe ? JSON.parse(probe) : null;
      } catch {
        usage = null;
      }
      resolve({
        code,
        signal,
        wallMs,
        cpuMs: usage ? (usage.userUs + usage.sysUs) / 1000 : null,
        userMs: usage ? usage.userUs / 1000 : null,
        sysMs: usage ? usage.sysUs / 1000 : null,
        maxRssKb: usage ? usage.maxRssKb : null,
        procCpuMs: procBefore === null || procAfter === null ? null : procAfter - procBefore,
        stdout: capture ? Buffer.concat(stdout) : undefined,
        stdoutBytes,
        stderr,
      });
    });
  });
}

/** Run a Node script with the rusage probe preloaded. */
export function runNode(script, args, options) {
  return runTimed(process.execPath, ['--require', PROBE, script, ...args], options);
}

/** Run the built CLI (`node bin/convoy.cjs …`) against CONVOY_HOME=home. */
export function runConvoy(home, args, options = {}) {
  return runNode(CONVOY_BIN, args, { ...options, env: convoyEnv(home, options.env) });
}

/** The environment for a convoy child: ours, plus CONVOY_HOME, minus anything that changes its behaviour. */
export function convoyEnv(home, extra = {}) {
  const env = { ...process.env, ...extra, CONVOY_HOME: home, NO_COLOR: '1' };
  delete env.CONVOY_DEBUG;
  delete env.CONVOY_PROFILE;
  delete env.NODE_OPTIONS;
  return env;
}

/** Throw with the child's stderr unless it exited 0. */
export function assertOk(result, what) {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return result;
}

/** Linear-interpolated quantile (q in [0, 1]) of numbers. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** n, median, p90, mean, min, max of the non-null numbers, rounded to 0.1. */
export function summarize(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  const round = (v) => Math.round(v * 10) / 10;
  return {
    n: xs.length,
    median: round(quantile(xs, 0.5)),
    p90: round(quantile(xs, 0.9)),
    mean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
  };
}

/** Open a replica read-only and run fn(db); always closes. */
export function withReplica(path, fn) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Task and outbox row counts of a replica. */
export function countRows(path) {
  return withReplica(path, (db) => ({
    tasks: db.prepare('SELECT count(*) AS n FROM tasks').get().n,
    ops: db.prepare('SELECT count(*) AS n FROM outbox').get().n,
  }));
}

/** Tasks that do not have exactly one create op, and ops whose task row is missing. */
export function orphanCounts(path) {
  return withReplica(path, (db) => ({
    tasksWithoutOneCreate: db
      .prepare(
        "SELECT count(*) AS n FROM tasks t WHERE (SELECT count(*) FROM outbox o WHERE o.table_name = 'tasks' AND o.record_id = t.id AND o.op = 'create') <> 1",
      )
      .get().n,
    opsWithoutTask: db
      .prepare("SELECT count(*) AS n FROM outbox o WHERE o.table_name = 'tasks' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = o.record_id)")
      .get().n,
  }));
}

export const fmt = {
  ms: (v) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(1)} ms`),
  int: (v) => (v === null || v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US')),
  ratio: (v) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(2)}×`),
  bytes: (v) => (v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(1)} MiB` : `${(v / 1024).toFixed(1)} KiB`),
  mib: (kb) => (kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`),
};

/** Render rows (arrays of strings) as an aligned text table; first row is the header. */
export function textTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    r
      .map((cell, c) => String(cell ?? '').padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Progress line on stderr (stdout carries the results). */
export function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---- Helpers for the sync sections (push, pull, mark-synced, daemon) ----

export const HTTP_PROBE = join(ROOT, 'bench', 'http-probe.cjs');
export const WORKERS = join(ROOT, 'bench', 'workers');

/**
 * CPU time (ms, user + system) a live process has used so far, from
 * /proc/<pid>/stat, or null off Linux or once it is gone. Coarse (one clock
 * tick) but it needs nothing from the process itself: the bench reads the
 * daemon's and the local server's CPU this way.
 */
export function processCpuMs(pid) {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) * tickMs();
  } catch {
    return null;
  }
}

// Packages the CLI bundle also leaves external (scripts/build.mjs).
const WORKER_EXTERNAL = ['better-sqlite3', 'conf', 'convex', '@supabase/supabase-js', 'ink', 'react', 'jose', 'ws'];
const WORKER_BUNDLES = join(ROOT, 'node_modules', '.cache', 'convoy-bench');
const bundles = new Map();

/**
 * Bundle a TypeScript worker from bench/workers/ with esbuild, the way
 * scripts/build.mjs bundles the CLI (our code, drizzle and uuid inlined), so
 * its time and memory compare with the shipped program's: under tsx the same
 * worker starts ~45 MB heavier. The bundle goes under node_modules/.cache so
 * that external packages resolve and src/db/migrate.ts finds drizzle/ by
 * walking up. Built once per bench run.
 */
async function workerBundle(name) {
  if (!bundles.has(name)) {
    const outfile = join(WORKER_BUNDLES, name.replace(/\.ts$/, '.mjs'));
    const { build } = await import('esbuild');
    bundles.set(
      name,
      build({
        entryPoints: [join(WORKERS, name)],
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        external: WORKER_EXTERNAL,
        logLevel: 'warning',
      }).then(() => outfile),
    );
  }
  return await bundles.get(name);
}

/**
 * Run a TypeScript worker from bench/workers/ (bundled, with the rusage
 * probe) and parse its result: the last stdout line, `RESULT {json}`.
 * Throws with the worker's stderr when it fails or prints no result.
 */
export async function runWorker(name, input, options = {}) {
  const args = ['--require', PROBE, await workerBundle(name), JSON.stringify(input)];
  const result = await runTimed(process.execPath, args, { ...options, capture: true });
  const line = result.stdout.toString('utf8').trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !line.startsWith('RESULT ')) {
    throw new Error(`worker ${name} exited ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-8).join(' | ')}`);
  }
  return { ...result, output: JSON.parse(line.slice('RESULT '.length)) };
}

/** Values of the section flags (`--idle-seconds=N` …) claimed by claimSectionFlags. */
export const sectionFlags = {};

/**
 * Take the sections' own `--name=N` flags out of process.argv, validated, into
 * `sectionFlags` (camelCase keys), defaults filled in. Called by
 * sections/index.mjs when run.mjs imports it, i.e. before run.mjs parses argv:
 * run.mjs knows only its own options and refuses any other flag.
 * `declared` maps flag names to { default, min }, or { default: false, boolean: true }
 * for a bare `--name`.
 */
export function claimSectionFlags(declared) {
  const keyOf = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  for (const [name, spec] of Object.entries(declared)) sectionFlags[keyOf(name)] = spec.default;
  const rest = process.argv.slice(2).filter((arg) => {
    // A boolean flag ({ boolean: true }) is given bare: --fresh.
    const bare = /^--([a-z-]+)$/.exec(arg);
    if (bare && declared[bare[1]]?.boolean) {
      sectionFlags[keyOf(bare[1])] = true;
      return false;
    }
    const flag = /^--([a-z-]+)=(.*)$/.exec(arg);
    const spec = flag && declared[flag[1]];
    if (!spec || spec.boolean) return true;
    if (!/^\d+$/.test(flag[2]) || Number(flag[2]) < spec.min) {
      process.stderr.write(`bench: --${flag[1]} must be a whole number of at least ${spec.min}\n`);
      process.exit(2);
    }
    sectionFlags[keyOf(flag[1])] = Number(flag[2]);
    return false;
  });
  process.argv.splice(2, process.argv.length - 2, ...rest);
}
