/**
 * Crash safety of the write path, with real processes: `convoy import` and
 * `convoy add` children are killed with SIGKILL at many moments (before,
 * during and after their write transaction). Whatever the moment, the replica
 * must hold either the whole change (every row with its create op) or none of
 * it, pass `PRAGMA integrity_check`, and open cleanly for the next command.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../helpers/cli.js';

const IMPORT_LINES = 50_000;
const STATUSES = ['todo', 'in_progress', 'done', 'canceled'];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

interface Started {
  kill(): void;
  alive(): boolean;
  done: Promise<Run>;
}

/** Start `convoy …` against CONVOY_HOME=home. */
function start(home: string, args: string[]): Started {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, NO_COLOR: '1' };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => (exited = true));
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr, wallMs: performance.now() - started }),
    );
  });
  return { kill: () => child.kill('SIGKILL'), alive: () => !exited && child.exitCode === null, done };
}

const run = (home: string, args: string[]) => start(home, args).done;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (lo: number, hi: number) => Math.round(lo + Math.random() * (hi - lo));

/** Counts that must agree in a replica with no half-written change. */
function inspect(replica: string) {
  const db = new Database(replica, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      tasks: n('SELECT count(*) AS n FROM tasks'),
      ops: n('SELECT count(*) AS n FROM outbox'),
      tasksWithoutOneCreate: n(
        "SELECT count(*) AS n FROM tasks t WHERE (SELECT count(*) FROM outbox o WHERE o.table_name = 'tasks' AND o.record_id = t.id AND o.op = 'create') <> 1",
      ),
      opsWithoutTask: n("SELECT count(*) AS n FROM outbox o WHERE o.table_name = 'tasks' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = o.record_id)"),
    };
  } finally {
    db.close();
  }
}

function integrity(replica: string): string {
  const db = new Database(replica, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** `convoy list --all --json` must exit 0 and list every task in the replica. */
async function expectListsCleanly(home: string, tasks: number, context: string): Promise<void> {
  const listed = await run(home, ['list', '--all', '--json']);
  expect(listed.code, `${context}: list --json failed: ${listed.stderr}`).toBe(0);
  const parsed: unknown = JSON.parse(listed.stdout);
  expect(Array.isArray(parsed), context).toBe(true);
  expect((parsed as unknown[]).length, context).toBe(tasks);
}

const walSize = (replica: string) => statSync(`${replica}-wal`, { throwIfNoEntry: false })?.size ?? 0;

let tmp: string;
let importFile: string;
/** A migrated replica holding one task: copied into each fresh home. */
let template: string;
let homes = 0;

/** A fresh CONVOY_HOME with the template replica (one seed task, already migrated). */
function freshHome(): { home: string; replica: string } {
  const home = join(tmp, `home-${++homes}`);
  mkdirSync(home);
  const replica = join(home, 'replica.db');
  copyFileSync(template, replica);
  return { home, replica };
}

beforeAll(async () => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'convoy-crash-'));
  const lines: string[] = [];
  for (let i = 0; i < IMPORT_LINES; i++) {
    const line: Record<string, string> = { op: 'create', title: `Crash-test task ${i}`, status: STATUSES[i % STATUSES.length]! };
    if (i % 3 === 0) line.stage = 'review';
    if (i % 5 === 0) line.description = `Line ${i} of the import, with a description.`;
    lines.push(JSON.stringify(line));
  }
  importFile = join(tmp, 'tasks.jsonl');
  writeFileSync(importFile, `${lines.join('\n')}\n`);
  const seedHome = join(tmp, 'template');
  const seeded = await run(seedHome, ['add', 'Seed task']);
  expect(seeded.code, seeded.stderr).toBe(0);
  // convoy closed the replica: the WAL is checkpointed into the main file.
  template = join(seedHome, 'replica.db');
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('SIGKILL during convoy import', () => {
  it('leaves all of the import or none of it, and a replica that opens cleanly', async () => {
    // An uninterrupted import: the "all" outcome, and how long one takes here.
    // It also tells how far the import's WAL grows before it commits.
    const reference = freshHome();
    const importing = start(reference.home, ['import', importFile]);
    let walPeak = 0;
    while (importing.alive()) {
      walPeak = Math.max(walPeak, walSize(reference.replica));
      await sleep(1);
    }
    const full = await importing.done;
    expect(full.code, full.stderr).toBe(0);
    expect(walPeak, 'the import never wrote to the WAL?').toBeGreaterThan(0);
    expect(inspect(reference.replica)).toEqual({ tasks: 1 + IMPORT_LINES, ops: 1 + IMPORT_LINES, tasksWithoutOneCreate: 0, opsWithoutTask: 0 });

    // Kill points: random delays over the whole run (start-up, parsing, writing,
    // commit), plus kills triggered by the WAL's growth: as soon as the write
    // transaction has visibly started (pages spilling into the WAL), in the
    // middle of it, and close to its final size (the commit, or just after it).
    const plans: ({ kind: 'delay'; ms: number } | { kind: 'wal'; bytes: number })[] = [
      { kind: 'delay', ms: between(20, 400) },
      { kind: 'delay', ms: between(400, full.wallMs * 0.6) },
      { kind: 'delay', ms: between(full.wallMs * 0.6, full.wallMs * 0.9) },
      { kind: 'delay', ms: between(full.wallMs * 0.9, full.wallMs * 1.1) },
      { kind: 'wal', bytes: 1 },
      { kind: 'wal', bytes: 2 << 20 },
      { kind: 'wal', bytes: Math.round(walPeak / 2) },
      { kind: 'wal', bytes: Math.round(walPeak * 0.97) },
      { kind: 'wal', bytes: walPeak },
    ];
    const outcomes: string[] = [];
    let rolledBackMidWrite = 0;
    for (const plan of plans) {
      const { home, replica } = freshHome();
      const child = start(home, ['import', importFile]);
      let walAtKill = 0;
      if (plan.kind === 'delay') {
        await sleep(plan.ms);
        walAtKill = walSize(replica);
        child.kill();
      } else {
        while (child.alive() && walSize(replica) < plan.bytes) await sleep(1);
        walAtKill = walSize(replica);
        child.kill();
      }
      const result = await child.done;
      const what = `${plan.kind === 'delay' ? `kill after ${plan.ms} ms` : `kill at WAL ≥ ${plan.bytes} B`} (WAL ${walAtKill} B, exit ${result.code ?? result.signal})`;
      expect(result.signal === 'SIGKILL' || result.code === 0, `${what}: ${result.stderr}`).toBe(true);

      const counts = inspect(replica);
      const landed = counts.tasks - 1;
      outcomes.push(`${what}: ${landed === 0 ? 'none' : landed === IMPORT_LINES ? 'all' : `${landed} (!)`}`);
      expect([0, IMPORT_LINES], `${what}: tasks that landed`).toContain(landed);
      expect(counts, what).toEqual({ tasks: 1 + landed, ops: 1 + landed, tasksWithoutOneCreate: 0, opsWithoutTask: 0 });
      if (result.signal === 'SIGKILL' && walAtKill > 0 && landed === 0) rolledBackMidWrite++;

      await expectListsCleanly(home, counts.tasks, what);
      expect(integrity(replica), what).toBe('ok');
    }
    if (process.env.CONVOY_TEST_VERBOSE) console.log(`import kills (reference import ${Math.round(full.wallMs)} ms, WAL peak ${walPeak} B):\n${outcomes.join('\n')}`);
    // The test is only worth something if some kill interrupted a write in progress.
    expect(rolledBackMidWrite, outcomes.join('\n')).toBeGreaterThan(0);
    // Ten imports of 50,000 tasks, each kept in the full-text index too: minutes on a loaded machine.
  }, 300_000);
});

describe('SIGKILL during convoy add', () => {
  it('never leaves a task without its op or an op without its task', async () => {
    const { home, replica } = freshHome();
    // How long an uninterrupted add takes here (median of three; the machine may be busy).
    const references: number[] = [];
    for (let i = 0; i < 3; i++) {
      const reference = await run(home, ['add', `Reference add ${i}`, '--json']);
      expect(reference.code, reference.stderr).toBe(0);
      references.push(reference.wallMs);
    }
    const addMs = references.sort((a, b) => a - b)[1]!;
    // Kill moments spread over a whole add, denser towards its end where the write happens.
    const iterations = 40;
    const printed: string[] = [];
    let killed = 0;
    for (let i = 0; i < iterations; i++) {
      const child = start(home, ['add', `Killed add ${i}`, '--json']);
      await sleep(between(i % 4 === 0 ? 0 : addMs * 0.5, addMs * 1.15));
      child.kill();
      const result = await child.done;
      if (result.signal === 'SIGKILL') killed++;
      else expect(result.code, result.stderr).toBe(0);
      // Whatever convoy reported as added must be in the replica.
      if (result.code === 0) printed.push((JSON.parse(result.stdout) as { id: string }).id);
    }
    if (process.env.CONVOY_TEST_VERBOSE) {
      console.log(`add kills: ${killed} of ${iterations} killed, ${printed.length} reported added (reference add ${Math.round(addMs)} ms)`);
    }
    expect(killed, 'no child was killed: the kill moments are off').toBeGreaterThan(0);

    const counts = inspect(replica);
    expect(counts.tasksWithoutOneCreate).toBe(0);
    expect(counts.opsWithoutTask).toBe(0);
    expect(counts.ops).toBe(counts.tasks);
    expect(counts.tasks).toBeGreaterThanOrEqual(4 + printed.length);
    expect(counts.tasks).toBeLessThanOrEqual(4 + iterations);
    if (process.env.CONVOY_TEST_VERBOSE) console.log(`add kills: ${counts.tasks - 4 - printed.length} landed without being reported`);
    const db = new Database(replica, { readonly: true });
    try {
      const has = db.prepare('SELECT 1 FROM tasks WHERE id = ?');
      for (const id of printed) expect(has.get(id), `task ${id} was reported added`).toBeDefined();
    } finally {
      db.close();
    }
    expect(integrity(replica)).toBe('ok');
    await expectListsCleanly(home, counts.tasks, 'after the add loop');
  }, 60_000);
});
