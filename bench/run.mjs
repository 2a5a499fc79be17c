// convoy's performance bench (`npm run bench` builds, then runs this).
//
//   node bench/run.mjs [section …] [--runs=40] [--warmup=5] [--lines=100000]
//                      [--import-runs=3] [--list-runs=5] [--keep] [--strict]
//
// Sections (default: all but the opt-in ones, e.g. scale; in this order) live in bench/sections/. Everything
// runs in a fresh temp CONVOY_HOME, removed afterwards unless --keep. Progress
// goes to stderr; stdout gets a table and one `BENCH_JSON {…}` line.
// Exit 1 when a section fails its checks (or, with --strict, misses a target).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt, log, textTable } from './lib.mjs';
import { SECTIONS } from './sections/index.mjs';

const DEFAULTS = { runs: 40, warmup: 5, lines: 100_000, importRuns: 3, listRuns: 5 };
const MINIMUM = { runs: 30, warmup: 0, lines: 1, importRuns: 1, listRuns: 1 };

function usage() {
  const names = SECTIONS.map((s) => `  ${(s.optIn ? `${s.name}*` : s.name).padEnd(8)} ${s.summary}`).join('\n');
  return `usage: node bench/run.mjs [section …] [--runs=${DEFAULTS.runs}] [--warmup=${DEFAULTS.warmup}] [--lines=${DEFAULTS.lines}] [--import-runs=${DEFAULTS.importRuns}] [--list-runs=${DEFAULTS.listRuns}] [--keep] [--strict]\nsections (default: all but the opt-in ones, marked *):\n${names}\n`;
}

function parseArgs(argv) {
  const options = { ...DEFAULTS, keep: false, strict: false };
  const names = [];
  for (const arg of argv) {
    const flag = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!flag) {
      if (!SECTIONS.some((s) => s.name === arg)) throw new Error(`unknown section "${arg}"`);
      names.push(arg);
      continue;
    }
    const [, name, value] = flag;
    if (name === 'help') {
      process.stdout.write(usage());
      process.exit(0);
    }
    if (name === 'keep' || name === 'strict') {
      options[name] = true;
      continue;
    }
    const key = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in DEFAULTS) || value === undefined || !/^\d+$/.test(value)) throw new Error(`bad option "${arg}"`);
    if (Number(value) < MINIMUM[key]) throw new Error(`--${name} must be at least ${MINIMUM[key]}`);
    options[key] = Number(value);
  }
  // Registry order, whatever the argv order: later sections reuse earlier ones' data.
  const selected = names.length ? SECTIONS.filter((s) => names.includes(s.name)) : SECTIONS.filter((s) => !s.optIn);
  return { options, selected };
}

let parsed;
try {
  parsed = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n${usage()}`);
  process.exit(2);
}
const { options, selected } = parsed;

ensureBuilt();
const tmp = mkdtempSync(join(tmpdir(), 'convoy-bench-'));
const home = join(tmp, 'home');
const ctx = { tmp, home, replica: join(home, 'replica.db'), options, shared: {}, log };
const report = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  loadavgBefore: loadavg().map((v) => Math.round(v * 100) / 100),
  startedAt: new Date().toISOString(),
  options: { ...options },
  sections: {},
};
const tableRows = [['section', 'metric', 'value', 'target', '']];
let failed = false;
let missed = false;

log(`temp CONVOY_HOME ${home}; sections: ${selected.map((s) => s.name).join(', ')}`);
for (const section of selected) {
  const started = performance.now();
  try {
    const { figures, rows } = await section.run(ctx);
    report.sections[section.name] = { ...figures, sectionSeconds: Math.round(performance.now() - started) / 1000 };
    for (const row of rows) {
      if (row.ok === false) missed = true;
      tableRows.push([section.name, row.metric, row.value, row.target ?? '', row.ok === undefined ? '' : row.ok ? 'ok' : 'MISS']);
    }
  } catch (error) {
    failed = true;
    report.sections[section.name] = { error: error.message };
    tableRows.push([section.name, 'FAILED', error.message, '', 'FAIL']);
    log(`${section.name} failed: ${error.stack}`);
  }
  log(`${section.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
report.loadavgAfter = loadavg().map((v) => Math.round(v * 100) / 100);
report.ok = !failed;
report.targetsMet = !missed;

if (options.keep) log(`kept ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });

process.stdout.write(`\n${textTable(tableRows)}\n\n`);
process.stdout.write(`load average ${report.loadavgBefore.join(' ')} → ${report.loadavgAfter.join(' ')} on ${report.cpus} CPUs, node ${report.node}\n`);
process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
process.exitCode = failed || (options.strict && missed) ? 1 : 0;
