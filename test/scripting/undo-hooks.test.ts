/**
 * Undo and hooks through the built binary, offline and against the local
 * Convex server: an unpushed change is dropped with its op, a pushed one gets
 * a compensating op, an import is undone whole; hooks run after the commit
 * and never lose or block the change.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { tempHome } from '../helpers/replica.js';
import { counts, createLines } from './helpers.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server?.close());

type Task = { id: string; title: string; status: string; completedAt: string | null; syncStatus: string };
const list = async (home: string) => JSON.parse((await convoy(home, ['list', '--all', '--json'])).stdout) as Task[];

describe('convoy undo', () => {
  it('offline: restores an unpushed update, then removes an unpushed create, dropping their ops', async () => {
    const home = tempHome();
    const id = (await convoy(home, ['add', '-q', 'Write it'])).stdout.trim();
    await convoy(home, ['update', id, '--status', 'done', '--title', 'Written']);
    expect(counts(home)).toMatchObject({ tasks: 1, ops: 2 });
    const listed = await convoy(home, ['undo', '--list']);
    expect(listed.stdout).toMatch(/^next .* update task [0-9a-f]{6} "Written" \(title, status, completedAt\)\n .* create task/);
    const first = await convoy(home, ['undo']);
    expect(first).toMatchObject({ code: 0, stdout: 'Undone: 1 restored.\n', stderr: '' });
    expect(await list(home)).toEqual([expect.objectContaining({ id, title: 'Write it', status: 'todo', completedAt: null, syncStatus: 'pending' })]);
    expect(counts(home)).toMatchObject({ tasks: 1, ops: 1 });
    expect((await convoy(home, ['undo'])).stdout).toBe('Undone: 1 created record removed.\n');
    expect(counts(home)).toMatchObject({ tasks: 0, ops: 0 });
    const nothing = await convoy(home, ['undo', '--json']);
    expect(nothing.code).toBe(2);
    expect(JSON.parse(nothing.stderr).error).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/nothing to undo/) });
  });

  it('reverts a whole import at once', async () => {
    const home = tempHome();
    await convoy(home, ['add', 'Before']);
    expect((await convoy(home, ['import'], { input: createLines(50) })).code).toBe(0);
    const undone = await convoy(home, ['undo', '--json']);
    expect(JSON.parse(undone.stdout).undone).toHaveLength(50);
    expect((await list(home)).map((t) => t.title)).toEqual(['Before']);
    expect(counts(home)).toMatchObject({ tasks: 1, ops: 1 });
  });

  it('queues a compensating change for what was already pushed', async () => {
    const home = tempHome();
    const token = await server.mintToken('undo-user');
    expect((await convoy(home, ['init', '--convex', server.url, '--token', '-'], { input: token })).code).toBe(0);
    const id = (await convoy(home, ['add', '-q', 'Pushed'])).stdout.trim();
    await convoy(home, ['update', id, '--status', 'in_progress']);
    expect((await convoy(home, ['sync'])).code).toBe(0);
    expect((await convoy(home, ['undo'])).stdout).toBe('Undone: 1 already synced: compensating change queued.\n');
    expect(await list(home)).toEqual([expect.objectContaining({ status: 'todo', syncStatus: 'pending' })]);
    // The create was pushed too: undoing it cancels the task (the server keeps records).
    expect((await convoy(home, ['undo'])).stdout).toBe('Undone: 1 already synced: compensating change queued.\n');
    expect((await list(home))[0]).toMatchObject({ status: 'canceled' });
    expect((await convoy(home, ['sync', '--json'])).code).toBe(0);
    const other = tempHome();
    await convoy(other, ['init', '--convex', server.url, '--token', '-'], { input: token });
    await convoy(other, ['sync']);
    expect(await list(other)).toEqual([expect.objectContaining({ id, status: 'canceled' })]);
  });
});

function hook(home: string, name: string, script: string): void {
  mkdirSync(join(home, 'hooks'), { recursive: true });
  writeFileSync(join(home, 'hooks', name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(home, 'hooks', name), 0o755);
}

describe('hooks', () => {
  it('on-add and on-modify get the task as JSON on stdin after the commit', async () => {
    const home = tempHome();
    hook(home, 'on-add', `cat > "${home}/added.json"`);
    hook(home, 'on-modify', `cat > "${home}/modified.json"`);
    const id = (await convoy(home, ['add', '-q', 'Hooked'])).stdout.trim();
    expect(JSON.parse(readFileSync(join(home, 'added.json'), 'utf8'))).toMatchObject({ id, title: 'Hooked', syncStatus: 'pending' });
    await convoy(home, ['update', id, '--status', 'done']);
    expect(JSON.parse(readFileSync(join(home, 'modified.json'), 'utf8'))).toMatchObject({ id, status: 'done' });
  });

  it('on-sync gets the sync summary', async () => {
    const home = tempHome();
    const token = await server.mintToken('hook-user');
    await convoy(home, ['init', '--convex', server.url, '--token', '-'], { input: token });
    hook(home, 'on-sync', `cat > "${home}/synced.json"`);
    await convoy(home, ['add', 'one']);
    expect((await convoy(home, ['sync'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'synced.json'), 'utf8'))).toMatchObject({ pushed: 1, failed: 0 });
  });

  it('the daemon runs on-sync after each sync that did work', async () => {
    const home = tempHome();
    const token = await server.mintToken('hook-daemon');
    await convoy(home, ['init', '--convex', server.url, '--token', '-'], { input: token });
    hook(home, 'on-sync', `cat > "${home}/daemon-synced.json"`);
    const daemon = startDaemon(home);
    await daemon.waitFor('start');
    await convoy(home, ['add', 'pushed by the daemon']);
    await daemon.waitFor('sync', 10_000);
    const file = join(home, 'daemon-synced.json');
    const started = Date.now();
    // The hook's shell creates the file before cat has written it: wait for the whole document.
    const written = () => existsSync(file) && readFileSync(file, 'utf8').endsWith('}');
    while (!written() && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pushed: 1, failed: 0 });
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });

  it('a failing hook is reported; the change is kept and the exit code stays 0', async () => {
    const home = tempHome();
    hook(home, 'on-add', 'echo "no network" >&2; exit 7');
    const result = await convoy(home, ['add', '-q', 'Kept']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(result.stderr).toBe('hook on-add failed (exit 7): no network (the change is saved)\n');
    expect(counts(home)).toMatchObject({ tasks: 1, ops: 1 });
  });

  it('a slow hook is stopped after 5 s; the change is kept', async () => {
    const home = tempHome();
    hook(home, 'on-add', 'sleep 30');
    const started = Date.now();
    const result = await convoy(home, ['add', 'Slow hook']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/hook on-add was stopped after 5 s \(the change is saved\)/);
    expect(counts(home)).toMatchObject({ tasks: 1 });
  });
});
