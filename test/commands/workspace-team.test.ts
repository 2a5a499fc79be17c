/**
 * The shared-workspace story end to end, with the built binary against
 * `convoy dev server --supabase` (test/commands/workspace-cli.test.ts runs it
 * on Convex), as four people would run it: A creates workspace Team and adds
 * B and a CI user C by user id; B files a task in Team; C marks it done with
 * `convoy update`; A sees it done after `convoy sync`; D, no member, sees
 * nothing of it and cannot name it. Then A removes C: C's offline edit is
 * refused (exit 7), kept and read-only until `convoy workspace forget`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convoyAsync, ensureBuilt } from '../helpers/cli.js';
import { cleanUp, startDevServer, tempDir } from '../helpers/dev-server.js';

beforeAll(() => ensureBuilt());
afterAll(cleanUp);

interface Person {
  home: string;
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  json<T>(args: string[]): Promise<T>;
  userId: string;
}

/** A person with a replica of their own, signed in to the server as `user`. */
async function person(kind: 'convex' | 'supabase', keys: string, server: { url: string; anonKey?: string }, user: string): Promise<Person> {
  const home = tempDir(user);
  const env = { CONVOY_DEV_KEY_DIR: keys };
  const run = (args: string[]) => convoyAsync(home, args, { env });
  const token = (await run(['dev', 'token', ...(kind === 'supabase' ? ['--supabase'] : []), '--user', user])).stdout.trim();
  const init =
    kind === 'convex'
      ? ['init', '--convex', server.url, '--token', token]
      : ['init', '--supabase', server.url, '--anon-key', server.anonKey!, '--access-token', token];
  expect((await run(init)).code).toBe(0);
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await run([...args, '--json']);
    expect(result.code, `convoy ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  expect((await run(['sync'])).code).toBe(0);
  const list = await json<{ id: string; personal: boolean }[]>(['workspace', 'list']);
  return { home, run, json, userId: list.find((w) => w.personal)!.id };
}

describe.each(['supabase'] as const)('a team workspace through convoy dev server --%s', (kind) => {
  it("B's task, done by the CI user, reaches A; D sees nothing and cannot write", async () => {
    const keys = join(tempDir('keys'), 'dev-keys');
    const serverHome = tempDir('server');
    const { info: server } = await startDevServer(serverHome, [`--${kind}`]);
    const alice = await person(kind, keys, server, 'alice');
    const bob = await person(kind, keys, server, 'bob');
    const ci = await person(kind, keys, server, 'ci-bot');
    const dave = await person(kind, keys, server, 'dave');

    await alice.json(['workspace', 'create', 'Team']);
    await alice.json(['workspace', 'add-member', 'Team', bob.userId]);
    await alice.json(['workspace', 'add-member', 'Team', ci.userId, '--role', 'member']);
    const { members } = await alice.json<{ members: { userId: string; role: string }[] }>(['workspace', 'members', 'Team']);
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [alice.userId, 'owner'],
        [bob.userId, 'member'],
        [ci.userId, 'member'],
      ].sort(),
    );

    expect((await bob.run(['sync'])).code).toBe(0);
    const task = await bob.json<{ id: string }>(['add', 'Ship the release notes', '--workspace', 'Team']);
    expect((await bob.run(['sync'])).code).toBe(0);

    expect((await ci.run(['sync'])).code).toBe(0);
    expect((await ci.run(['update', task.id, '--status', 'done'])).code).toBe(0);
    expect((await ci.run(['sync'])).code).toBe(0);

    expect((await alice.run(['sync'])).code).toBe(0);
    const seen = await alice.json<{ id: string; status: string }[]>(['list', '--workspace', 'Team', '--all']);
    expect(seen.map((t) => [t.id, t.status])).toEqual([[task.id, 'done']]);

    // D: not a member. Nothing of Team reaches their replica; naming it is refused (bad input: exit 2).
    expect((await dave.run(['sync'])).code).toBe(0);
    expect(await dave.json<unknown[]>(['list', '--all'])).toEqual([]);
    const write = await dave.run(['add', 'sneaky', '--workspace', 'Team']);
    expect([write.code, write.stderr]).toEqual([2, expect.stringMatching(/Team/)]);

    // The CI user removed: its offline edit is refused by the server (exit 7), kept, and read-only until forgotten.
    await alice.json(['workspace', 'remove-member', 'Team', ci.userId]);
    expect((await ci.run(['update', task.id, '--title', 'edited after removal'])).code).toBe(0);
    const refused = await ci.run(['sync']);
    expect(refused.code, refused.stderr).toBe(7);
    expect(refused.stderr).toMatch(/Team/);
    const kept = await ci.json<{ id: string; title: string }[]>(['list', '--workspace', 'Team', '--all']);
    expect(kept.map((t) => t.title)).toEqual(['edited after removal']);
    expect((await ci.run(['update', task.id, '--status', 'todo'])).code).toBe(7);
    expect((await ci.run(['workspace', 'forget', 'Team'])).code).toBe(0);
    expect(await ci.json<unknown[]>(['list', '--all'])).toEqual([]);
    expect((await alice.run(['sync'])).code).toBe(0);
    expect((await alice.json<{ title: string }[]>(['list', '--workspace', 'Team', '--all'])).map((t) => t.title)).toEqual(['Ship the release notes']);
  }, 240_000);
});
