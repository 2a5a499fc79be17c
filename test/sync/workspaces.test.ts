/**
 * The sync engine per workspace, against the memory backend (the same server
 * half as Convex): personal first then each workspace joined, requests that
 * name the workspace (and none for personal), joins and removals learned from
 * the pulls, selective sync costing nothing on the wire, a refused push kept
 * whole, and a daemon that follows each workspace's live feed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { conflictViews } from '../../src/db/conflicts.js';
import { addTask, changeTask, listTasks } from '../../src/db/tasks.js';
import { findWorkspace, forgetWorkspace, listLocalWorkspaces } from '../../src/db/workspaces.js';
import type { Backend } from '../../src/sync/backend.js';
import { createMemoryBackend, MemoryServer } from '../../src/sync/backends/memory/index.js';
import { syncOnce } from '../../src/sync/engine.js';
import { runWatch } from '../../src/sync/watch.js';
import { verifyReplica } from '../../src/sync/verify.js';
import { SYNC_TABLES } from '../../src/db/registry.js';
import { rows, tempReplica } from '../helpers/replica.js';
import { until } from '../helpers/until.js';

const T0 = 1_700_000_000_000;

/** Every call the backend got, by method, with the workspace it named (undefined: personal). */
function recorded(backend: Backend) {
  const calls: { method: string; workspace: string | undefined }[] = [];
  const subscriptions: (string | undefined)[] = [];
  const wrapped: Backend = {
    ...backend,
    push: (batch) => (calls.push({ method: 'push', workspace: batch.workspace }), backend.push(batch)),
    pull: (request) => (calls.push({ method: 'pull', workspace: request.workspace }), backend.pull(request)),
    pullAll: (request) => (calls.push({ method: 'pullAll', workspace: request.workspace }), backend.pullAll(request)),
    checksum: (request) => (calls.push({ method: 'checksum', workspace: request.workspace }), backend.checksum(request)),
    listWorkspaces: () => (calls.push({ method: 'listWorkspaces', workspace: undefined }), backend.listWorkspaces()),
    subscribe: (onChange, workspace) => (subscriptions.push(workspace), backend.subscribe!(onChange, workspace)),
  };
  return { backend: wrapped, calls, subscriptions, reset: () => calls.splice(0) };
}

function world() {
  const server = new MemoryServer();
  const user = (name: string) => recorded(createMemoryBackend({ server, token: server.token(name, { name: name.toUpperCase() }) }));
  return { server, ann: user('ann'), bob: user('bob') };
}

/** Ann owns Team with Bob in it; returns Team's server id. */
async function team(w: ReturnType<typeof world>): Promise<string> {
  const created = await w.ann.backend.createWorkspace('Team');
  await w.ann.backend.addMember(created.id, 'bob', 'member');
  w.ann.reset();
  return created.id;
}

/** Ann's Team with Bob in it, and Bob's replica after its first sync. */
async function bobInTeam() {
  const w = world();
  const teamId = await team(w);
  const bob = tempReplica();
  await syncOnce(bob, w.bob.backend);
  return { w, teamId, bob };
}

describe('sync per workspace', () => {
  it('a replica with only its personal workspace makes the requests it always made: push and pull, naming no workspace', async () => {
    const w = world();
    const replica = tempReplica();
    addTask(replica, { title: 'Mine' }, T0);
    const summary = await syncOnce(replica, w.ann.backend);
    expect(w.ann.calls).toEqual([
      { method: 'push', workspace: undefined },
      { method: 'pullAll', workspace: undefined },
    ]);
    expect(summary).toMatchObject({ pushed: 1, workspaces: ['personal'], left: [] });
    expect(findWorkspace(replica, 'personal').serverId).toBe('ann');
  });

  it('learns a workspace it joined from the personal pull and syncs it in the same sync, personal first', async () => {
    const { w, teamId, bob } = await bobInTeam();
    expect(w.bob.calls.map((c) => `${c.method}:${c.workspace ?? 'personal'}`)).toEqual(['pullAll:personal', `pullAll:${teamId}`]);
    expect(listLocalWorkspaces(bob).map((x) => [x.name, x.role, x.state])).toEqual([
      ['personal', 'owner', 'active'],
      ['Team', 'member', 'active'],
    ]);
  });

  it('carries a task captured in a workspace to its other members, and an edit back', async () => {
    const w = world();
    const teamId = await team(w);
    const ann = tempReplica();
    const bob = tempReplica();
    await syncOnce(ann, w.ann.backend);
    await syncOnce(bob, w.bob.backend);
    const task = addTask(bob, { title: 'Shared', workspace: teamId }, T0);
    addTask(bob, { title: 'Private' }, T0);
    w.bob.reset();
    await syncOnce(bob, w.bob.backend);
    expect(w.bob.calls.filter((c) => c.method === 'push').map((c) => c.workspace)).toEqual([undefined, teamId]);
    await syncOnce(ann, w.ann.backend);
    expect(listTasks(ann, { workspace: teamId }).map((t) => t.title)).toEqual(['Shared']);
    expect(listTasks(ann)).toEqual([]);
    changeTask(ann, task.id, { status: 'done' }, T0 + 1);
    await syncOnce(ann, w.ann.backend);
    await syncOnce(bob, w.bob.backend);
    expect(listTasks(bob, { workspace: teamId, statuses: ['done'] }).map((t) => t.title)).toEqual(['Shared']);
    expect(rows<{ workspace_id: string }>(bob, 'sync_state').map((r) => r.workspace_id).sort()).toEqual([...Array(SYNC_TABLES.length).fill(''), ...Array(SYNC_TABLES.length).fill(teamId)]);
  });

  it('selective sync: an unselected workspace makes no request at all, and keeps its ops queued', async () => {
    const { w, teamId, bob } = await bobInTeam();
    addTask(bob, { title: 'Shared', workspace: teamId }, T0);
    w.bob.reset();
    await syncOnce(bob, w.bob.backend, { workspaces: [''] });
    expect(w.bob.calls).toEqual([{ method: 'pullAll', workspace: undefined }]);
    expect(rows(bob, 'outbox')).toHaveLength(1);
    w.bob.reset();
    const summary = await syncOnce(bob, w.bob.backend, { workspaces: [teamId] });
    expect(w.bob.calls.map((c) => c.workspace)).toEqual([teamId, teamId]);
    expect(summary).toMatchObject({ pushed: 1, workspaces: ['Team'] });
  });

  it('a member removed between syncs: the push is refused, the workspace is left, every change is kept and never pushed again', async () => {
    const { w, teamId, bob } = await bobInTeam();
    addTask(bob, { title: 'Shared', workspace: teamId }, T0);
    addTask(bob, { title: 'Mine' }, T0);
    await w.ann.backend.removeMember(teamId, 'bob');
    // Only Team's push is refused: the personal one goes first and goes through.
    const summary = await syncOnce(bob, w.bob.backend);
    expect(summary.left).toEqual([{ id: teamId, name: 'Team', kept: 1, justLeft: true }]);
    expect(summary.pushed).toBe(1);
    expect(findWorkspace(bob, 'Team').state).toBe('left');
    expect(listTasks(bob, { workspace: teamId }).map((t) => t.title)).toEqual(['Shared']);
    w.bob.reset();
    const again = await syncOnce(bob, w.bob.backend);
    expect(w.bob.calls).toEqual([{ method: 'pullAll', workspace: undefined }]);
    expect(again.left).toEqual([{ id: teamId, name: 'Team', kept: 1, justLeft: false }]);
    expect(forgetWorkspace(bob, teamId)).toEqual({ records: 1, ops: 1 });
    expect((await syncOnce(bob, w.bob.backend)).left).toEqual([]);
  });

  it('a member removed with nothing queued learns it from the pull: left, not asked again', async () => {
    const { w, teamId, bob } = await bobInTeam();
    await w.ann.backend.removeMember(teamId, 'bob');
    const summary = await syncOnce(bob, w.bob.backend);
    expect(summary.left).toEqual([{ id: teamId, name: 'Team', kept: 0, justLeft: true }]);
    w.bob.reset();
    await syncOnce(bob, w.bob.backend);
    expect(w.bob.calls).toEqual([{ method: 'pullAll', workspace: undefined }]);
  });

  it('a conflict between teammates records who wrote the remote side', async () => {
    const { w, teamId, bob } = await bobInTeam();
    const ann = tempReplica();
    const task = addTask(bob, { title: 'Shared', workspace: teamId }, T0);
    await syncOnce(bob, w.bob.backend);
    await syncOnce(ann, w.ann.backend);
    changeTask(ann, task.id, { title: 'Ann says' }, T0 + 1);
    changeTask(bob, task.id, { title: 'Bob says' }, T0 + 2);
    await syncOnce(ann, w.ann.backend);
    await syncOnce(bob, w.bob.backend);
    expect(conflictViews(bob, { all: true }).map((c) => [c.field, c.remote, c.remoteWriter])).toEqual([['title', 'Ann says', { userId: 'ann', name: 'ANN' }]]);
  });

  it('verify compares each workspace synced, naming it in its requests', async () => {
    const { w, teamId, bob } = await bobInTeam();
    addTask(bob, { title: 'Shared', workspace: teamId }, T0);
    await syncOnce(bob, w.bob.backend);
    w.bob.reset();
    const verdicts = await verifyReplica(bob, w.bob.backend, SYNC_TABLES);
    expect(verdicts.map((v) => `${v.workspace}/${v.table}:${v.diverged.length}`)).toEqual([
      ...SYNC_TABLES.map((s) => `personal/${s.name}:0`),
      ...SYNC_TABLES.map((s) => `Team/${s.name}:0`),
    ]);
    expect(verdicts.find((v) => v.workspace === 'Team' && v.table === 'tasks')).toMatchObject({ serverCount: 1, replicaCount: 1 });
    expect(new Set(w.bob.calls.map((c) => c.workspace))).toEqual(new Set([undefined, teamId]));
  });
});

describe('the daemon per workspace', () => {
  const stops: AbortController[] = [];
  afterEach(() => stops.splice(0).forEach((s) => s.abort()));

  it('subscribes to each workspace synced (personal without naming it) and pulls a teammate\'s change as it lands', async () => {
    const w = world();
    const teamId = await team(w);
    const ann = tempReplica();
    const bob = tempReplica();
    await syncOnce(ann, w.ann.backend);
    const stop = new AbortController();
    stops.push(stop);
    const done = runWatch(bob, { intervalMs: 3_600_000, pollMs: 20, backend: async () => w.bob.backend, log: () => undefined, stop: stop.signal });
    await until(() => w.bob.subscriptions.length === 2, 5_000, 'two subscriptions');
    expect(w.bob.subscriptions).toEqual([undefined, teamId]);
    addTask(ann, { title: 'From Ann', workspace: teamId }, T0);
    await syncOnce(ann, w.ann.backend);
    await until(() => listTasks(bob, { workspace: teamId }).length === 1, 5_000, "Ann's task at Bob's");
    stop.abort();
    await done;
  });
});
