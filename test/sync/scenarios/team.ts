/**
 * Shared-workspace set-up for the scenarios: a workspace made by one
 * replica's user, members added by user id, and every replica's local list
 * refreshed (as `convoy workspace …` and the next sync would).
 */
import { saveWorkspaceList } from '../../../src/db/workspaces.js';
import type { TestReplica } from './harness.js';

/** The user id behind a replica's backend (the token's subject, as the server knows it). */
export async function userIdOf(replica: TestReplica): Promise<string> {
  return (await (await replica.ctx.backend()).listWorkspaces()).user.userId;
}

/** Refresh a replica's local workspace list from its backend. */
export async function refreshWorkspaces(replica: TestReplica): Promise<void> {
  const list = await (await replica.ctx.backend()).listWorkspaces();
  saveWorkspaceList(replica.ctx.replica(), list, Date.now());
}

/** `owner` creates workspace `name` and adds each of `members`; every replica's list is refreshed. Returns its id. */
export async function createTeam(owner: TestReplica, name: string, members: TestReplica[]): Promise<string> {
  const backend = await owner.ctx.backend();
  const workspace = await backend.createWorkspace(name);
  for (const member of members) await backend.addMember(workspace.id, await userIdOf(member), 'member');
  for (const replica of [owner, ...members]) await refreshWorkspaces(replica);
  return workspace.id;
}
