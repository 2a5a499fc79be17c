// `npm run torture`: the torture suites at full strength (test/torture), then
// one table of trials, faults, lost, duplicated and diverged per suite and
// server. `npm test` runs the same suites with short counts.
//
//   npm run torture
//   TORTURE_SEED=123 npm run torture              # replay a run
//   TORTURE_KILL_TRIALS=50 TORTURE_PROXY_FAULTS=20 TORTURE_HISTORIES=100 \
//     TORTURE_HISTORIES_SUPABASE=20 npm run torture   # other counts
//   npm run torture -- test/torture/kill.test.ts  # one suite
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'convoy-torture-'));
const reportFile = join(dir, 'report.jsonl');
const seed = process.env.TORTURE_SEED ?? String(Date.now() % 2 ** 31);
const files = process.argv.slice(2);
const started = Date.now();
const run = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...(files.length ? files : ['test/torture'])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TORTURE: 'full', TORTURE_REPORT: reportFile, TORTURE_SEED: seed },
});
let rows = [];
try {
  rows = readFileSync(reportFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // no suite got as far as reporting
}
rmSync(dir, { recursive: true, force: true });
const columns = ['suite', 'server', 'trials', 'faults', 'lost', 'duplicated', 'diverged'];
const table = [columns, ...rows.map((r) => columns.map((c) => String(r[c])))];
const widths = columns.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(`\ntorture (seed ${seed}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
const bad = rows.some((r) => r.lost || r.duplicated || r.diverged);
process.exit(run.status === 0 && !bad && rows.length ? 0 : 1);
