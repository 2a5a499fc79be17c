/**
 * `convoy workspace members|add-member|remove-member|leave` against the
 * in-memory server: owners manage members, members are refused (exit 7),
 * the last owner stays, offline changes nothing (exit 3).
 */
import { describe, expect, it } from 'vitest';
import { workspaceCreateCommand, workspaceUseCommand } from '../../src/commands/workspace.js';
import {
  workspaceAddMemberCommand,
  workspaceLeaveCommand,
  workspaceMembersCommand,
  workspaceRemoveMemberCommand,
} from '../../src/commands/workspace-members.js';
import { listLocalWorkspaces } from '../../src/db/workspaces.js';
import { exitCodeFor, UsageError } from '../../src/errors.js';
import { lastJson, memoryTeam } from './workspace-helpers.js';

async function teamOfAnn() {
  const team = memoryTeam();
  const ann = team.user('ann', { name: 'Ann Lee' });
  await workspaceCreateCommand('Team', {}, ann);
  const id = lastJson<{ id: string }>(ann).id;
  return { ...team, ann, id };
}

const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as Error);

describe('convoy workspace members', () => {
  it('an owner adds a teammate and a CI user; everyone sees the members, names from their tokens', async () => {
    const { user, ann, id } = await teamOfAnn();
    await workspaceAddMemberCommand('team', 'bob', { role: 'member' }, ann);
    expect(lastJson(ann)).toEqual({
      workspace: { id, name: 'Team' },
      members: expect.arrayContaining([
        { userId: 'ann', name: 'Ann Lee', role: 'owner', you: true },
        { userId: 'bob', name: null, role: 'member', you: false },
      ]),
    });
    await workspaceAddMemberCommand('Team', 'ci-bot', {}, ann);

    const bob = user('bob', { name: 'Bob' });
    await workspaceMembersCommand('Team', {}, bob);
    const seen = lastJson<{ members: { userId: string; name: string | null; role: string; you: boolean }[] }>(bob).members;
    expect(seen.map((m) => [m.userId, m.role, m.you]).sort()).toEqual([
      ['ann', 'owner', false],
      ['bob', 'member', true],
      ['ci-bot', 'member', false],
    ]);
    // bob's replica learned the workspace it was added to.
    expect(listLocalWorkspaces(bob.replica()).map((w) => [w.name, w.role])).toEqual([
      ['personal', 'owner'],
      ['Team', 'member'],
    ]);
  });

  it('members without a name lists the current workspace; human output is a table', async () => {
    const { user, ann } = await teamOfAnn();
    await workspaceUseCommand('Team', {}, ann);
    const human = user('ann', { json: false });
    await workspaceMembersCommand(undefined, {}, ann);
    expect(lastJson<{ workspace: { name: string } }>(ann).workspace.name).toBe('Team');
    await workspaceMembersCommand(undefined, {}, human);
    expect(human.reporter.stdout.at(-1)).toMatch(/^Members of workspace personal:\nUSER ID\s+NAME\s+ROLE\s*\nann\s+\S+\s+owner\s+you$/);
  });

  it('a member cannot add or remove others (exit 7), and nothing changes', async () => {
    const { user, ann } = await teamOfAnn();
    await workspaceAddMemberCommand('Team', 'bob', {}, ann);
    const bob = user('bob');
    const add = await failure(workspaceAddMemberCommand('Team', 'eve', {}, bob));
    expect(exitCodeFor(add)).toBe(7);
    expect(add!.message).toMatch(/only an owner of workspace Team can add members .*convoy workspace members Team/);
    const remove = await failure(workspaceRemoveMemberCommand('Team', 'ann', {}, bob));
    expect(exitCodeFor(remove)).toBe(7);
    await workspaceMembersCommand('Team', {}, ann);
    expect(lastJson<{ members: unknown[] }>(ann).members).toHaveLength(2);
  });

  it('a non-member is refused (exit 2 for a name it does not know), the personal workspace cannot be shared', async () => {
    const { user, ann, id } = await teamOfAnn();
    const eve = user('eve');
    const unknown = await failure(workspaceMembersCommand('Team', {}, eve));
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown!.message).toMatch(/<name>: no workspace named or with id "Team"/);
    const byId = await failure(workspaceMembersCommand(id, {}, eve));
    expect(exitCodeFor(byId)).toBe(7);
    expect(byId!.message).toBe(`you are not a member of workspace ${id}; ask one of its owners to add you: convoy workspace add-member ${id} eve`);
    await expect(workspaceAddMemberCommand('personal', 'bob', {}, ann)).rejects.toThrow(/<name>: a personal workspace cannot be shared; create a workspace with convoy workspace create/);
    await expect(workspaceAddMemberCommand('Team', 'bob', { role: 'boss' }, ann)).rejects.toThrow(/--role "boss" is not one of owner, member/);
    await expect(workspaceAddMemberCommand('Team', ' ', {}, ann)).rejects.toThrow(/<user-id> is empty/);
  });

  it('an owner removes a member; the last owner cannot leave (exit 2) until another is an owner', async () => {
    const { user, ann } = await teamOfAnn();
    await workspaceAddMemberCommand('Team', 'bob', {}, ann);
    await workspaceRemoveMemberCommand('Team', 'bob', {}, ann);
    expect(lastJson<{ members: { userId: string }[] }>(ann).members.map((m) => m.userId)).toEqual(['ann']);
    const last = await failure(workspaceLeaveCommand('Team', {}, ann));
    expect(exitCodeFor(last)).toBe(2);
    expect(last!.message).toMatch(/^<name>: .*no owner/);
    await workspaceAddMemberCommand('Team', 'bob', { role: 'owner' }, ann);
    await workspaceRemoveMemberCommand('Team', 'ann', {}, ann); // removing yourself is leaving
    expect(lastJson(ann)).toMatchObject({ name: 'Team', state: 'left' });
    const bob = user('bob');
    await workspaceMembersCommand('Team', {}, bob);
    expect(lastJson<{ members: unknown[] }>(bob).members).toEqual([{ userId: 'bob', name: null, role: 'owner', you: true }]);
  });

  it('leave twice is fine; a left workspace is denied (exit 7) for members', async () => {
    const { ann } = await teamOfAnn();
    await workspaceAddMemberCommand('Team', 'bob', { role: 'owner' }, ann);
    await workspaceLeaveCommand('Team', {}, ann);
    await workspaceLeaveCommand('Team', {}, ann);
    expect(lastJson(ann)).toMatchObject({ name: 'Team', state: 'left' });
    expect(exitCodeFor(await failure(workspaceMembersCommand('Team', {}, ann)))).toBe(7);
  });

  it('offline: every member command exits 3 and changes nothing', async () => {
    const { server, ann } = await teamOfAnn();
    server.stop();
    for (const run of [
      () => workspaceMembersCommand('Team', {}, ann),
      () => workspaceAddMemberCommand('Team', 'bob', {}, ann),
      () => workspaceRemoveMemberCommand('Team', 'bob', {}, ann),
      () => workspaceLeaveCommand('Team', {}, ann),
    ]) {
      const error = await failure(run());
      expect(exitCodeFor(error)).toBe(3);
      expect(error!.message).toMatch(/needs the network: nothing changed/);
    }
    server.start();
    await workspaceMembersCommand('Team', {}, ann);
    expect(lastJson<{ members: unknown[] }>(ann).members).toHaveLength(1);
    expect(listLocalWorkspaces(ann.replica()).find((w) => w.name === 'Team')!.state).toBe('active');
  });
});
