import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/commands/add.js';
import { exitCodeFor, ExitCode } from '../../src/errors.js';
import { BIN, convoy, ensureBuilt, type CliResult } from '../helpers/cli.js';
import { tempHome, testContext } from '../helpers/replica.js';

beforeAll(ensureBuilt);

const mode = (path: string) => statSync(path).mode & 0o777;
const root = process.getuid?.() === 0;

/**
 * Run convoy as a user who may read but not write `home` (root ignores file
 * modes, so as root the command runs as nobody; otherwise modes suffice).
 */
function convoyAsOther(home: string, args: string[]): CliResult {
  const env = { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home };
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', input: '', cwd: '/', ...(root ? { uid: 65534, gid: 65534 } : {}) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A home readable by everyone and writable by its owner only, holding one task. */
function readOnlyHome(): string {
  const home = tempHome();
  expect(convoy(home, ['add', 'written before'], {}).code).toBe(0);
  chmodSync(home, 0o555);
  chmodSync(join(home, 'replica.db'), 0o444);
  return home;
}

describe('bad paths and resources are configuration errors (exit 5), never "please report it"', () => {
  it.each([
    ['CONVOY_HOME is a file', (dir: string) => (writeFileSync(join(dir, 'file'), 'x'), join(dir, 'file')), 'is not a folder'],
    ['CONVOY_HOME is /dev/null', () => '/dev/null', '/dev/null is not a folder'],
    ['CONVOY_HOME is under a file', (dir: string) => (writeFileSync(join(dir, 'file'), 'x'), join(dir, 'file', 'home')), 'a part of the path is a file'],
    ['the replica path is a folder', (dir: string) => (mkdirSync(join(dir, 'replica.db')), dir), 'is a folder'],
  ])('%s', (_name, makeHome, message) => {
    const home = makeHome(tempHome());
    for (const args of [['list'], ['add', 'x'], ['status']]) {
      const result = convoy(home, args, { env: { CONVOY_HOME: home } });
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(5);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('please report');
    }
  });

  it('reads a replica it may not write; writes exit 5 naming the path', () => {
    const home = readOnlyHome();
    const list = convoyAsOther(home, ['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((t: { title: string }) => t.title)).toEqual(['written before']);
    expect(convoyAsOther(home, ['status']).code).toBe(0);
    const add = convoyAsOther(home, ['add', 'not allowed']);
    expect(add.code, add.stderr).toBe(5);
    expect(add.stderr).toContain(`cannot write the replica ${join(home, 'replica.db')}: it is read-only`);
  });

  it('a read-only config folder is a configuration error', () => {
    const home = readOnlyHome();
    const set = convoyAsOther(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210']);
    expect(set.code, set.stderr).toBe(5);
    expect(set.stderr).toContain('permission denied');
    expect(set.stderr).not.toContain('please report');
  });

  it('a full disk is a configuration error with the fix, and the transaction leaves nothing half-written', async () => {
    const ctx = testContext();
    const replica = ctx.replica();
    const pages = replica.sqlite.pragma('page_count', { simple: true }) as number;
    replica.sqlite.pragma(`max_page_count = ${pages}`); // SQLite answers SQLITE_FULL past this, as on a full disk
    let error: unknown;
    for (let i = 0; i < 2_000 && !error; i++) {
      error = await addCommand({ title: `task ${i} ${'x'.repeat(400)}` }, {}, ctx).then(() => undefined, (e: unknown) => e);
    }
    expect(exitCodeFor(error)).toBe(ExitCode.config);
    expect((error as Error).message).toMatch(/the disk is full; free some space/);
    const count = (table: string) => replica.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect(count('tasks')).toBe(count('outbox')); // every task has its op: the failed add left neither
  });
});

describe('private files', () => {
  it('creates the data folder 0700 and the replica and config 0600', () => {
    const home = join(tempHome(), 'new-home');
    expect(convoy(home, ['add', 'private'], { env: { CONVOY_HOME: home } }).code).toBe(0);
    expect(convoy(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210'], { env: { CONVOY_HOME: home } }).code).toBe(0);
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'replica.db'))).toBe(0o600);
    expect(mode(join(home, 'config.json'))).toBe(0o600);
  });

  it('tightens looser existing modes, saying so on stderr', () => {
    const home = tempHome();
    expect(convoy(home, ['add', 'private']).code).toBe(0);
    expect(convoy(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210']).code).toBe(0);
    chmodSync(home, 0o755);
    chmodSync(join(home, 'replica.db'), 0o644);
    chmodSync(join(home, 'config.json'), 0o644);
    const status = convoy(home, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain(`${home} was readable by other users (mode 755); tightened to 700`);
    expect(status.stderr).toContain(`${join(home, 'replica.db')} was readable by other users (mode 644); tightened to 600`);
    expect(status.stderr).toContain(`${join(home, 'config.json')} was readable by other users (mode 644); tightened to 600`);
    expect([mode(home), mode(join(home, 'replica.db')), mode(join(home, 'config.json'))]).toEqual([0o700, 0o600, 0o600]);
    expect(convoy(home, ['status']).stderr).toBe('');
  });
});
