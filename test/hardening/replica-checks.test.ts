import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_ID } from '../../src/db/integrity.js';
import { openReplica } from '../../src/db/open.js';
import { convoy, ensureBuilt, ROOT } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

beforeAll(ensureBuilt);

const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ op: 'create', title: `task ${i} ${'x'.repeat(200)}` })).join('\n');

/** A replica with `n` queued tasks, closed cleanly. */
function filledHome(n = 300): string {
  const home = tempHome();
  const imported = convoy(home, ['import', '-'], { input: lines(n) });
  expect(imported.code, imported.stderr).toBe(0);
  return home;
}

/** Overwrite one page near the end of the file (a tasks or index page once the replica holds a few hundred tasks). */
function damage(path: string): void {
  const pageSize = 4096;
  const pages = statSync(path).size / pageSize;
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, Math.floor(pages * 0.7) * pageSize);
  closeSync(fd);
}

function setMeta(path: string, key: string, value: string): void {
  const db = new Database(path);
  db.prepare('INSERT INTO meta (key, value, updated_at) VALUES (?, ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  db.close();
}

describe('replicas convoy did not write, or that are damaged', () => {
  it('marks a new replica as convoy’s, and marks an older convoy replica that lacks the mark', () => {
    const path = join(tempHome(), 'replica.db');
    openReplica(path).close();
    const raw = new Database(path);
    expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    raw.pragma('application_id = 0');
    raw.close();
    openReplica(path).close();
    const again = new Database(path, { readonly: true });
    expect(again.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    again.close();
  });

  it('refuses another application’s SQLite file, exit 5, leaving it byte for byte as it was', () => {
    const home = tempHome();
    const path = join(home, 'replica.db');
    const other = new Database(path);
    other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine')");
    other.close();
    const before = readFileSync(path);
    for (const args of [['list'], ['add', 'x'], ['status']]) {
      const result = convoy(home, args);
      expect(result.code, result.stderr).toBe(5);
      expect(result.stderr).toContain('another application, not a convoy replica');
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a damaged replica (daily check) with exit 5 naming convoy doctor, and writes nothing into it', () => {
    const home = filledHome();
    const path = join(home, 'replica.db');
    setMeta(path, 'integrity.checkedAt', String(Date.now() - 25 * 3_600_000));
    damage(path);
    const before = readFileSync(path);
    for (const args of [['list'], ['add', 'into the damaged file'], ['status']]) {
      const result = convoy(home, args);
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(5);
      expect(result.stderr).toMatch(/replica .* is damaged .*convoy doctor/);
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('checks after an unclean shutdown even when the daily check is fresh', () => {
    const home = filledHome();
    const path = join(home, 'replica.db');
    expect(convoy(home, ['list']).code).toBe(0); // the daily check runs and is recorded now
    // A process that dies (SIGKILL) with the replica open and writes in its WAL.
    const crash = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { openReplica } = await import(${JSON.stringify(join(ROOT, 'src/db/open.ts'))});
         const r = openReplica(${JSON.stringify(path)});
         r.sqlite.pragma('wal_autocheckpoint = 0');
         r.write(() => r.sqlite.prepare("UPDATE meta SET updated_at = 1 WHERE key = 'clientId'").run());
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: ROOT },
    );
    expect(crash.signal).toBe('SIGKILL');
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    damage(path);
    const result = convoy(home, ['list']);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain('convoy doctor');
  });

  it('convoy doctor sets the damaged file aside, rebuilds, and keeps the pending changes it can read', () => {
    const home = filledHome();
    const path = join(home, 'replica.db');
    const ok = convoy(home, ['doctor']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok (quick_check passed)');
    const clientId = JSON.parse(convoy(home, ['status', '--json']).stdout).replica.clientId;
    setMeta(path, 'integrity.checkedAt', '1');
    damage(path);
    const doctor = convoy(home, ['doctor', '--json']);
    expect(doctor.code, doctor.stderr).toBe(0);
    const report = JSON.parse(doctor.stdout);
    expect(report).toMatchObject({ rebuilt: true, keptClientId: true });
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.requeued).toBeGreaterThan(0);
    expect(existsSync(report.savedAs)).toBe(true);
    const status = convoy(home, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: report.requeued, replica: { clientId } });
    const added = convoy(home, ['add', 'after the rebuild', '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(convoy(home, ['doctor']).stdout).toContain('ok');
  });

  it('documents convoy doctor with examples', () => {
    const help = convoy(tempHome(), ['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ convoy doctor');
  });
});
