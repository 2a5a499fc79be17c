/**
 * The server's workspace decisions (src/schema/server/workspaces.ts) on the
 * in-memory store: the rules the Convex functions and the Supabase SQL share
 * (name rules, ordering, owners), stated one by one. The contract suite
 * (test/sync/backend-contract-workspaces.ts) runs them through each backend.
 */
import { describe, expect, it } from 'vitest';
import { MAX_WORKSPACE_NAME, type Identity } from '../../../src/schema/protocol.js';
import { ServerError } from '../../../src/schema/server/store.js';
import {
  addMember,
  checkWorkspaceName,
  createWorkspace,
  listMembers,
  listWorkspaces,
  rememberCaller,
  removeMember,
  resolveWorkspace,
} from '../../../src/schema/server/workspaces.js';
import { MemoryWorkspaceStore } from '../../../src/sync/backends/memory/workspaces.js';

const ann: Identity = { userId: 'ann', name: 'Ann' };
const ben: Identity = { userId: 'ben', name: null };

async function codeOf(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerError);
  return (error as ServerError).code;
}

describe('workspace names', () => {
  it('takes visible single-line text of 1 to MAX_WORKSPACE_NAME characters, not "personal"', () => {
    for (const good of ['Team', 'a', 'x'.repeat(MAX_WORKSPACE_NAME), 'Équipe 7', 'personal stuff']) expect(checkWorkspaceName(good)).toBeNull();
    for (const bad of ['', ' ', 'x'.repeat(MAX_WORKSPACE_NAME + 1), 'a\nb', 'a\u202Eb', '\u200b', 'personal', ' PERSONAL ', 42, null]) {
      expect(checkWorkspaceName(bad), JSON.stringify(bad)).toMatchObject({ code: 'invalid', field: 'name' });
    }
  });
});

describe('workspace decisions', () => {
  it('resolves a call: absent or the caller’s id is personal; another id needs a member row', async () => {
    const ws = new MemoryWorkspaceStore();
    const team = await createWorkspace(ws, ann, 'Team');
    expect(await resolveWorkspace(ws, 'ann', undefined)).toBe('ann');
    expect(await resolveWorkspace(ws, 'ann', 'ann')).toBe('ann');
    expect(await resolveWorkspace(ws, 'ann', team.id)).toBe(team.id);
    expect(await codeOf(resolveWorkspace(ws, 'ben', team.id))).toBe('forbidden');
    expect(await codeOf(resolveWorkspace(ws, 'ben', 'ann'))).toBe('forbidden');
  });

  it('lists personal first, then by name in code-unit order (upper case before lower)', async () => {
    const ws = new MemoryWorkspaceStore();
    for (const name of ['beta', 'Zed', 'alpha']) await createWorkspace(ws, ann, name);
    const list = await listWorkspaces(ws, ann);
    expect(list.user).toEqual(ann);
    expect(list.workspaces.map((w) => w.name)).toEqual(['personal', 'Zed', 'alpha', 'beta']);
    expect(list.workspaces[0]).toEqual({ id: 'ann', name: 'personal', role: 'owner', personal: true });
  });

  it('refuses a name the creator already belongs to a workspace of, in any case; others may take it', async () => {
    const ws = new MemoryWorkspaceStore();
    const team = await createWorkspace(ws, ann, 'Team');
    expect(await codeOf(createWorkspace(ws, ann, 'TEAM'))).toBe('exists');
    await createWorkspace(ws, ben, 'team');
    await addMember(ws, ann, team.id, 'ben', 'member');
    // Ben now belongs to two workspaces called team: he cannot make a third.
    expect(await codeOf(createWorkspace(ws, ben, 'Team'))).toBe('exists');
  });

  it('keeps an owner: the last one can be neither demoted nor removed, and may leave once another is owner', async () => {
    const ws = new MemoryWorkspaceStore();
    const { id } = await createWorkspace(ws, ann, 'Team');
    await addMember(ws, ann, id, 'ben', 'member');
    expect(await codeOf(addMember(ws, ann, id, 'ann', 'member'))).toBe('invalid');
    expect(await codeOf(removeMember(ws, ann, id, 'ann'))).toBe('invalid');
    expect(await codeOf(addMember(ws, ben, id, 'ben', 'owner'))).toBe('forbidden');
    await addMember(ws, ann, id, 'ben', 'owner');
    expect(await removeMember(ws, ann, id, 'ann')).toEqual([]);
    expect(await removeMember(ws, ann, id, 'ann')).toEqual([]);
    expect(await listMembers(ws, ben, id)).toEqual([{ userId: 'ben', role: 'owner', name: null }]);
  });

  it('refuses sharing or leaving a personal workspace, and a bad user id or role', async () => {
    const ws = new MemoryWorkspaceStore();
    expect(await codeOf(addMember(ws, ann, 'ann', 'ben', 'member'))).toBe('invalid');
    expect(await codeOf(removeMember(ws, ann, 'ann', 'ann'))).toBe('invalid');
    const { id } = await createWorkspace(ws, ann, 'Team');
    expect(await codeOf(addMember(ws, ann, id, '', 'member'))).toBe('invalid');
    expect(await codeOf(addMember(ws, ann, id, 'ben', 'admin' as never))).toBe('invalid');
  });

  it('names members by the display name they last called with', async () => {
    const ws = new MemoryWorkspaceStore();
    const { id } = await createWorkspace(ws, ann, 'Team');
    await addMember(ws, ann, id, 'ben', 'member');
    expect((await listMembers(ws, ann, id)).map((m) => m.name)).toEqual([null, null]);
    await rememberCaller(ws, ann);
    await rememberCaller(ws, { userId: 'ben', name: 'ben@example.com' });
    expect(await listMembers(ws, ann, id)).toEqual([
      { userId: 'ann', role: 'owner', name: 'Ann' },
      { userId: 'ben', role: 'member', name: 'ben@example.com' },
    ]);
  });
});
