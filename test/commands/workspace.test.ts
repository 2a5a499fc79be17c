/**
 * `convoy workspace create|list|use|forget`, `--workspace` on add/list/project
 * add, and status, against the in-memory server.
 */
import { describe, expect, it } from 'vitest';
import { addCommand } from '../../src/commands/add.js';
import { listCommand } from '../../src/commands/list.js';
import { projectAddCommand } from '../../src/commands/project.js';
import { showCommand } from '../../src/commands/show.js';
import { statusCommand } from '../../src/commands/status.js';
import { workspaceCreateCommand, workspaceForgetCommand, workspaceListCommand, workspaceUseCommand } from '../../src/commands/workspace.js';
import { workspaceLeaveCommand } from '../../src/commands/workspace-members.js';
import { listLocalWorkspaces } from '../../src/db/workspaces.js';
import { BackendError, DeniedError, exitCodeFor, UsageError } from '../../src/errors.js';
import { testContext } from '../helpers/replica.js';
import { lastJson, memoryTeam } from './workspace-helpers.js';

const titles = (ctx: { reporter: { stdout: string[] } }) => lastJson<{ title: string }[]>(ctx as never).map((t) => t.title);

describe('convoy workspace create and list', () => {
  it('creates a workspace on the server, saves it locally and lists it with the personal one', async () => {
    const { user } = memoryTeam();
    const ann = user('ann');
    await workspaceCreateCommand(' Team ', {}, ann);
    const created = lastJson(ann);
    expect(created).toEqual({ id: expect.any(String), name: 'Team', role: 'owner', personal: false, state: 'active', current: false, pending: 0 });
    expect(listLocalWorkspaces(ann.replica()).map((w) => w.name)).toEqual(['personal', 'Team']);

    await workspaceListCommand({}, ann);
    expect(lastJson(ann)).toEqual([
      { id: 'ann', name: 'personal', role: 'owner', personal: true, state: 'active', current: true, pending: 0 },
      { ...created, current: false },
    ]);
    expect(ann.reporter.stderr).toEqual([]);
  });

  it('refuses a taken name, "personal" and an empty name (exit 2, naming <name> and the fix), creating nothing', async () => {
    const { user } = memoryTeam();
    const ann = user('ann');
    await workspaceCreateCommand('Team', {}, ann);
    const taken = workspaceCreateCommand('team', {}, ann);
    await expect(taken).rejects.toThrow(UsageError);
    await expect(taken).rejects.toThrow(/<name>: .*"team".*convoy workspace use team/);
    await expect(workspaceCreateCommand('Personal', {}, ann)).rejects.toThrow(/<name> "Personal" is what your personal workspace is called/);
    await expect(workspaceCreateCommand('  ', {}, ann)).rejects.toThrow(/<name> must not be empty/);
    await expect(workspaceCreateCommand('x'.repeat(101), {}, ann)).rejects.toThrow(/at most 100/);
    expect(listLocalWorkspaces(ann.replica())).toHaveLength(2);
  });

  it('offline: create exits 3 and changes nothing; list shows the local copy and says so', async () => {
    const { server, user } = memoryTeam();
    const ann = user('ann', { json: false });
    await workspaceCreateCommand('Team', {}, ann);
    server.stop();
    const create = workspaceCreateCommand('Other', {}, ann).catch((e: unknown) => e);
    const error = await create;
    expect(error).toBeInstanceOf(BackendError);
    expect(exitCodeFor(error)).toBe(3);
    expect((error as Error).message).toMatch(/needs the network: nothing changed/);
    await workspaceListCommand({}, ann);
    expect(ann.reporter.stderr).toEqual(['offline: showing the workspaces as of the last sync']);
    const table = ann.reporter.stdout.at(-1)!;
    expect(table).toMatch(/^\s+NAME\s+ROLE\s+STATE\s+PENDING\s+ID/);
    expect(table).toMatch(/\*\s+personal\s+owner\s+active/);
    expect(table).toMatch(/\n\s+Team\s+owner\s+active\s+0/);
    expect(table).toMatch(/You are ann/);
    expect(listLocalWorkspaces(ann.replica()).map((w) => w.name)).toEqual(['personal', 'Team']);
  });

  it('without a backend, list shows the personal workspace and says why', async () => {
    const ctx = testContext({ json: true });
    await workspaceListCommand({}, ctx);
    expect(ctx.reporter.stderr).toEqual(['no backend configured: showing the workspaces this replica knows']);
    expect(lastJson<unknown[]>(ctx)).toEqual([{ id: null, name: 'personal', role: 'owner', personal: true, state: 'active', current: true, pending: 0 }]);
  });
});

describe('convoy workspace use and --workspace', () => {
  it('use makes new tasks and projects go to the workspace and list show only it; use personal goes back', async () => {
    const { user } = memoryTeam();
    const ann = user('ann');
    await workspaceCreateCommand('Team', {}, ann);
    await addCommand({ title: 'mine' }, {}, ann);
    await workspaceUseCommand('team', {}, ann);
    expect(lastJson(ann)).toMatchObject({ name: 'Team', current: true });
    expect((await ann.config()).get('workspace')).toBe(lastJson<{ id: string }>(ann).id);
    await addCommand({ title: 'ours' }, {}, ann);
    await projectAddCommand('Releases', {}, ann);
    await listCommand({ json: true }, ann);
    expect(titles(ann)).toEqual(['ours']);
    await listCommand({ json: true, workspace: 'personal' }, ann);
    expect(titles(ann)).toEqual(['mine']);
    await addCommand({ title: 'mine too' }, { workspace: 'PERSONAL' }, ann);

    await workspaceUseCommand('personal', {}, ann);
    expect((await ann.config()).get('workspace')).toBeUndefined();
    await listCommand({ json: true }, ann);
    expect(titles(ann)).toEqual(['mine too', 'mine']);
    await listCommand({ json: true, workspace: 'Team' }, ann);
    expect(titles(ann)).toEqual(['ours']);

    // People are told which workspace a list shows, unless it is their personal one.
    const human = testContext({ home: ann.env.CONVOY_HOME });
    await listCommand({ workspace: 'Team' }, human);
    expect(human.reporter.stdout.at(-1)).toMatch(/ours\n1 task · workspace Team$/);
    await listCommand({ workspace: 'Team', status: 'done' }, human);
    expect(human.reporter.stdout.at(-1)).toMatch(/^No tasks in workspace Team\. /);
    await listCommand({}, human);
    expect(human.reporter.stdout.at(-1)).toMatch(/2 tasks$/);
  });

  it('an unknown workspace is exit 2 naming the flag or argument and the fix', async () => {
    const ctx = testContext();
    await expect(workspaceUseCommand('Nope', {}, ctx)).rejects.toThrow(/<name>: no workspace named or with id "Nope"; see convoy workspace list/);
    await expect(addCommand({ title: 'x' }, { workspace: 'Nope' }, ctx)).rejects.toThrow(/--workspace: no workspace named or with id "Nope"/);
    await expect(listCommand({ workspace: 'Nope' }, ctx)).rejects.toThrow(UsageError);
    (await ctx.config()).set('workspace', 'Gone');
    await expect(addCommand({ title: 'x' }, {}, ctx)).rejects.toThrow(/the current workspace "Gone" .* convoy workspace use personal/);
  });

  it('status shows the current workspace and every workspace with its role, state and queued changes', async () => {
    const { user } = memoryTeam();
    const ann = user('ann');
    await workspaceCreateCommand('Team', {}, ann);
    await workspaceUseCommand('Team', {}, ann);
    await addCommand({ title: 'one' }, {}, ann);
    await addCommand({ title: 'two' }, {}, ann);
    await statusCommand({}, ann);
    const status = lastJson(ann);
    expect(status.workspace).toEqual({ id: expect.any(String), name: 'Team' });
    expect(status.workspaces).toEqual([
      { name: 'personal', role: 'owner', state: 'active', pending: 0 },
      { name: 'Team', role: 'owner', state: 'active', pending: 2 },
    ]);
    const human = user('ann', { json: false });
    await statusCommand({}, human);
    expect(human.reporter.stdout[0]).toMatch(/^workspace:\s+personal\n/);
  });
});

describe('convoy workspace forget', () => {
  it('refuses an active workspace (leave it first), then removes a left one and makes personal current', async () => {
    const { user } = memoryTeam();
    const ann = user('ann');
    await workspaceCreateCommand('Team', {}, ann);
    await workspaceCreateCommand('Crew', {}, ann);
    const bob = user('bob');
    const team = listLocalWorkspaces(ann.replica()).find((w) => w.name === 'Team')!;
    await (await ann.backend()).addMember(team.id, 'bob', 'member');
    await workspaceListCommand({}, bob);
    await workspaceUseCommand('Team', {}, bob);
    await addCommand({ title: 'kept' }, {}, bob);
    const kept = lastJson<{ id: string }>(bob).id;

    await expect(workspaceForgetCommand('Team', {}, bob)).rejects.toThrow(/<name>: you are still a member of workspace Team; leave it first: convoy workspace leave Team/);
    await expect(workspaceForgetCommand('personal', {}, bob)).rejects.toThrow(UsageError);
    await workspaceLeaveCommand('Team', {}, bob);
    expect(lastJson(bob)).toMatchObject({ name: 'Team', state: 'left', current: false, pending: 1 });
    expect((await bob.config()).get('workspace')).toBeUndefined();
    await listCommand({ json: true, workspace: 'Team' }, bob);
    expect(titles(bob)).toEqual(['kept']);
    const denied = await addCommand({ title: 'more' }, { workspace: 'Team' }, bob).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(DeniedError);
    expect(exitCodeFor(denied)).toBe(7);
    await expect(workspaceUseCommand('Team', {}, bob)).rejects.toThrow(/<name>: you left workspace Team/);

    await showCommand(kept, {}, bob);
    expect(lastJson(bob).workspace).toEqual({ id: team.id, name: 'Team' });
    const shown = testContext({ home: bob.env.CONVOY_HOME });
    await showCommand(kept, {}, shown);
    expect(shown.reporter.stdout[0]).toMatch(/^id: .*\nworkspace:\s+Team \(left: read-only\)\n/);

    await workspaceForgetCommand('Team', {}, bob);
    expect(lastJson(bob)).toEqual({ workspace: { id: team.id, name: 'Team' }, records: 1, ops: 1 });
    expect(listLocalWorkspaces(bob.replica()).map((w) => w.name)).toEqual(['personal']);
  });
});
