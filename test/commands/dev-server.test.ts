/**
 * `convoy dev server` from the built binary, as a CI job uses it: started in
 * the background, a replica pointed at it with a token from `convoy dev
 * token` (the same dev keys), a task captured and synced, then SIGTERM (exit 0).
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { convoy, convoyAsync, ensureBuilt } from '../helpers/cli.js';
import { cleanUp, startDevServer, tempDir, type RunningDevServer } from '../helpers/dev-server.js';
import { trace } from '../helpers/trace-loads.js';

beforeAll(() => ensureBuilt());
afterEach(cleanUp);

const stop = (running: RunningDevServer) =>
  new Promise<number | null>((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });

/** add + sync + list on `home`: the task's sync status afterwards. */
async function captureAndSync(home: string, title: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  expect((await convoyAsync(home, ['add', title], { env })).code).toBe(0);
  const synced = await convoyAsync(home, ['sync'], { env });
  expect(synced.code, synced.stderr).toBe(0);
  const list = JSON.parse((await convoyAsync(home, ['list', '--json'], { env })).stdout) as { title: string; syncStatus: string }[];
  return list.find((t) => t.title === title)?.syncStatus ?? 'missing';
}

describe('convoy dev server --convex', () => {
  it('serves tokens from `convoy dev token` of the same CONVOY_HOME, and exits 0 on SIGTERM', async () => {
    const home = tempDir('convex');
    const server = await startDevServer(home, ['--convex']);
    expect(server.info.init).toBe(`convoy init --convex ${server.info.url} --token ${server.info.token}`);
    const token = (await convoyAsync(home, ['dev', 'token', '--user', 'ci'])).stdout.trim();
    expect((await convoyAsync(home, ['init', '--convex', server.info.url, '--token', token])).code).toBe(0);
    expect(await captureAndSync(home, 'from CI')).toBe('synced');
    expect(await stop(server)).toBe(0);
  }, 90_000);

  it('honours CONVOY_DEV_KEY_DIR for the server and the tokens alike', async () => {
    const keys = tempDir('keys');
    const [serverHome, clientHome] = [tempDir('server'), tempDir('client')];
    const server = await startDevServer(serverHome, [], { CONVOY_DEV_KEY_DIR: keys });
    expect(server.info.backend).toBe('convex');
    const token = (await convoyAsync(clientHome, ['dev', 'token', '--user', 'ci'], { env: { CONVOY_DEV_KEY_DIR: keys } })).stdout.trim();
    expect((await convoyAsync(clientHome, ['init', '--convex', server.info.url, '--token', token])).code).toBe(0);
    // A token from another key pair is refused (HTTP 401 -> not configured, exit 5).
    const stranger = (await convoyAsync(clientHome, ['dev', 'token', '--user', 'ci'])).stdout.trim();
    expect((await convoyAsync(tempDir('stranger'), ['init', '--convex', server.info.url, '--token', stranger])).code).toBe(5);
    expect(await stop(server)).toBe(0);
  }, 90_000);
});

describe('convoy dev server --supabase', () => {
  it('keeps its data in --data between runs; `convoy dev token --supabase` signs for it', async () => {
    const data = join(tempDir('data'), 'db');
    const first = await startDevServer(tempDir('s1'), ['--supabase', '--data', data]);
    const anonKey = (await convoyAsync(tempDir('x'), ['dev', 'token', '--supabase', '--anon-key'])).stdout.trim();
    expect(anonKey).toBe(first.info.anonKey);
    const alice = tempDir('alice');
    const token = (await convoyAsync(alice, ['dev', 'token', '--supabase', '--user', 'alice'])).stdout.trim();
    expect((await convoyAsync(alice, ['init', '--supabase', first.info.url, '--anon-key', anonKey, '--access-token', token])).code).toBe(0);
    expect(await captureAndSync(alice, 'kept across restarts')).toBe('synced');
    expect(await stop(first)).toBe(0);

    const second = await startDevServer(tempDir('s2'), ['--supabase', '--data', data]);
    const laptop = tempDir('laptop');
    expect((await convoyAsync(laptop, ['init', '--supabase', second.info.url, '--anon-key', anonKey, '--access-token', token])).code).toBe(0);
    expect((await convoyAsync(laptop, ['sync'])).code).toBe(0);
    const titles = (JSON.parse((await convoyAsync(laptop, ['list', '--json'])).stdout) as { title: string }[]).map((t) => t.title);
    expect(titles).toEqual(['kept across restarts']);
    expect(await stop(second)).toBe(0);
  }, 180_000);
});

describe('convoy dev server refuses bad input', () => {
  it.each([
    [['--convex', '--supabase'], /one backend, --convex or --supabase/],
    [['--convex', '--data', 'x'], /--data keeps the Supabase stand-in/],
    [['--port', 'eighty'], /--port "eighty" must be a port number/],
  ])('%j', (args, message) => {
    const result = convoy(tempDir('bad'), ['dev', 'server', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('lazy loading of the stand-ins', () => {
  it('convoy add and convoy dev token load neither the stand-ins nor their runtimes', () => {
    const heavy = /^(cjs|esm) .*(dev-server\.mjs|convex-test|@electric-sql\/pglite)/;
    expect(trace(['add', 'Fast capture']).filter((line) => heavy.test(line))).toEqual([]);
    expect(trace(['dev', 'token', '--user', 'me']).filter((line) => heavy.test(line))).toEqual([]);
  });
});
