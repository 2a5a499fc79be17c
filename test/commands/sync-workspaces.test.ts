/**
 * `convoy sync` with workspaces, in process against the memory backend:
 * `--workspace` and config `sync.workspaces` choose what syncs (bad names
 * exit 2 naming the flag or key), and a workspace left with changes kept
 * exits 7 naming it, the changes and `convoy workspace forget`.
 */
import { describe, expect, it } from 'vitest';
import { addTask } from '../../src/db/tasks.js';
import { ExitCode, UsageError } from '../../src/errors.js';
import { createMemoryBackend, MemoryServer } from '../../src/sync/backends/memory/index.js';
import { syncCommand } from '../../src/commands/sync.js';
import { testContext } from '../helpers/replica.js';

const T0 = 1_700_000_000_000;

async function setup() {
  const server = new MemoryServer();
  const ann = createMemoryBackend({ server, token: server.token('ann') });
  const team = await ann.createWorkspace('Team');
  await ann.addMember(team.id, 'bob', 'member');
  const pulls: (string | undefined)[] = [];
  const bobBackend = createMemoryBackend({ server, token: server.token('bob') });
  const counting = { ...bobBackend, pullAll: (request: Parameters<typeof bobBackend.pullAll>[0]) => (pulls.push(request.workspace), bobBackend.pullAll(request)) };
  const json = testContext({ json: true, backendFactory: async () => counting });
  return { ann, team, json, pulls };
}

describe('convoy sync and workspaces', () => {
  it('--workspace syncs that one only, learning a workspace the replica has not seen yet', async () => {
    const { json, team, pulls } = await setup();
    expect(await syncCommand({ workspace: 'team' }, json)).toBe(ExitCode.ok);
    expect(pulls).toEqual([team.id]);
    expect(json.reporter.parsed<{ workspaces: string[] }>().workspaces).toEqual(['Team']);
  });

  it('an unknown --workspace exits 2 naming the flag and the fix', async () => {
    const { json } = await setup();
    await expect(syncCommand({ workspace: 'Nope' }, json)).rejects.toThrow(UsageError);
    await expect(syncCommand({ workspace: 'Nope' }, json)).rejects.toThrow(/^--workspace: no workspace named or with id "Nope"; see convoy workspace list/);
  });

  it('config sync.workspaces chooses what syncs; a bad value is refused naming the key', async () => {
    const { json, pulls } = await setup();
    const config = await json.config();
    expect(() => config.set('sync.workspaces', 'personal,,Team')).toThrow(/^sync.workspaces must be workspace names separated by commas .*one is empty/);
    config.set('sync.workspaces', 'personal');
    await syncCommand({}, json);
    expect(pulls).toEqual([undefined]);
    config.set('sync.workspaces', 'Elsewhere');
    await expect(syncCommand({}, json)).rejects.toThrow(/^sync.workspaces: no workspace named or with id "Elsewhere"/);
  });

  it('exits 7 when a workspace left keeps changes, naming it, the changes and forget; nothing is lost', async () => {
    const { ann, team, json } = await setup();
    await syncCommand({}, json);
    addTask(json.replica(), { title: 'Shared', workspace: team.id }, T0);
    await ann.removeMember(team.id, 'bob');
    expect(await syncCommand({}, json)).toBe(ExitCode.denied);
    expect(json.reporter.stderr.join('\n')).toContain('you are no longer a member of workspace Team: 1 local change is kept here, not pushed; convoy workspace forget Team removes them');
    expect(JSON.parse(json.reporter.stdout.at(-1)!).left).toEqual([{ id: team.id, name: 'Team', kept: 1, justLeft: true }]);
    // Still 7 on the next sync, until forgotten.
    expect(await syncCommand({}, json)).toBe(ExitCode.denied);
  });
});
