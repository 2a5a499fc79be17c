/**
 * `convoy workspace …` through the real binary against the local Convex
 * server: the exit codes a script sees (0, 2, 3, 7) and the --json shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server?.close());

/** Each test runs the binary a dozen times or more: generous under a loaded machine. */
const SLOW = 180_000;

/** A replica of `user` (CONVOY_HOME) connected through the environment. */
async function replicaOf(user: string, name?: string) {
  const home = tempHome();
  const env = { CONVOY_CONVEX_URL: server.url, CONVOY_CONVEX_TOKEN: await server.mintToken(user, name ? { name } : {}) };
  return (args: string[]) => convoy(home, args, { env });
}

describe('convoy workspace (binary, Convex)', () => {
  it('an owner shares a workspace; a member is denied owner commands with exit 7; offline is exit 3', async () => {
    const ann = await replicaOf('ws-ann', 'Ann');
    const bob = await replicaOf('ws-bob');

    const created = await ann(['workspace', 'create', 'Team', '--json']);
    expect(created.code).toBe(0);
    const team = JSON.parse(created.stdout);
    expect(team).toEqual({ id: expect.any(String), name: 'Team', role: 'owner', personal: false, state: 'active', current: false, pending: 0 });
    expect((await ann(['workspace', 'create', 'team'])).code).toBe(2);

    const added = await ann(['workspace', 'add-member', 'Team', 'ws-bob', '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout).members).toContainEqual({ userId: 'ws-ann', name: 'Ann', role: 'owner', you: true });

    const list = JSON.parse((await bob(['workspace', 'list', '--json'])).stdout);
    expect(list.map((w: { name: string; role: string }) => [w.name, w.role])).toEqual([
      ['personal', 'owner'],
      ['Team', 'member'],
    ]);
    const denied = await bob(['workspace', 'add-member', 'Team', 'ws-eve', '--json']);
    expect(denied.code).toBe(7);
    expect(JSON.parse(denied.stderr).error).toMatchObject({ code: 'denied', message: expect.stringMatching(/only an owner of workspace Team/) });

    expect((await bob(['workspace', 'use', 'Team'])).code).toBe(0);
    const status = JSON.parse((await bob(['status', '--json'])).stdout);
    expect(status.workspace).toEqual({ id: team.id, name: 'Team' });

    await server.stop();
    try {
      const offline = await bob(['workspace', 'leave', 'Team']);
      expect(offline.code).toBe(3);
      expect(offline.stderr).toMatch(/needs the network: nothing changed/);
      const local = await bob(['workspace', 'list']);
      expect(local.code).toBe(0);
      expect(local.stderr).toMatch(/offline: showing the workspaces as of the last sync/);
      expect(local.stdout).toMatch(/\*\s+Team\s+member\s+active/);
    } finally {
      await server.start();
    }
    const left = await bob(['workspace', 'leave', 'Team', '--json']);
    expect(left.code).toBe(0);
    expect(JSON.parse(left.stdout)).toMatchObject({ name: 'Team', state: 'left', current: false });
    const readOnly = await bob(['add', 'too late', '--workspace', 'Team']);
    expect(readOnly.code).toBe(7);
    expect(readOnly.stderr).toMatch(/no longer a member of workspace Team/);
    expect((await bob(['workspace', 'forget', 'Team'])).code).toBe(0);
  }, SLOW);

  it('done when: A shares Team with B and CI user C; B adds a task, C marks it done, A sees it; D sees nothing and cannot write', async () => {
    const a = await replicaOf('dw-a', 'Ada');
    const b = await replicaOf('dw-b');
    const c = await replicaOf('dw-ci');
    const d = await replicaOf('dw-d');
    const team = JSON.parse((await a(['workspace', 'create', 'Team', '--json'])).stdout) as { id: string };
    expect((await a(['workspace', 'add-member', 'Team', 'dw-b'])).code).toBe(0);
    expect((await a(['workspace', 'add-member', 'Team', 'dw-ci'])).code).toBe(0);

    expect((await b(['sync'])).code).toBe(0); // learns of Team
    const task = JSON.parse((await b(['add', 'Ship the release', '--workspace', 'Team', '--json'])).stdout) as { id: string };
    expect((await b(['sync'])).code).toBe(0);

    expect((await c(['sync'])).code).toBe(0);
    expect((await c(['update', task.id, '--status', 'done'])).code).toBe(0);
    expect((await c(['sync'])).code).toBe(0);

    expect((await a(['sync'])).code).toBe(0);
    const seen = JSON.parse((await a(['list', '--workspace', 'Team', '--all', '--json'])).stdout) as { id: string; status: string }[];
    expect(seen).toEqual([expect.objectContaining({ id: task.id, status: 'done' })]);
    expect(JSON.parse((await a(['list', '--json'])).stdout)).toEqual([]); // A's personal workspace holds nothing of it

    // D is no member: nothing arrives, Team is unknown to its replica, and the server refuses D's name for it.
    expect((await d(['sync'])).code).toBe(0);
    expect(JSON.parse((await d(['list', '--all', '--json'])).stdout)).toEqual([]);
    const unknown = await d(['add', 'sneak in', '--workspace', 'Team']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--workspace: no workspace named or with id "Team"/);
    const members = await d(['workspace', 'members', team.id]);
    expect(members.code).toBe(7);
    expect(members.stderr).toMatch(new RegExp(`you are not a member of workspace ${team.id}; ask one of its owners to add you: convoy workspace add-member ${team.id} dw-d`));
    expect((await d(['workspace', 'add-member', team.id, 'dw-d'])).code).toBe(7);
  }, SLOW);
});
