/**
 * The replica's workspaces: records carry their workspace from capture (and
 * their members and notes their task's), lists read one workspace, a left
 * workspace is read-only on every write path, and forget removes it whole.
 */
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { DeniedError, UsageError } from '../../src/errors.js';
import { conflictViews, recordConflicts } from '../../src/db/conflicts.js';
import { createNote } from '../../src/db/notes.js';
import { addProject } from '../../src/db/projects.js';
import { rebuildReplica } from '../../src/db/rebuild.js';
import { countByStatus } from '../../src/db/task-query.js';
import { addTask, changeTask, listTasks } from '../../src/db/tasks.js';
import { undoLast } from '../../src/db/undo.js';
import { findWorkspace, forgetWorkspace, listLocalWorkspaces, requireWritable, saveWorkspaceList } from '../../src/db/workspaces.js';
import type { WorkspaceList } from '../../src/schema/protocol.js';
import { rows, tempHome, tempReplica } from '../helpers/replica.js';

const T0 = 1_700_000_000_000;
const A = 'user-a';
const TEAM = 'ws-team';
const listOf = (...shared: { id: string; name: string; role?: 'owner' | 'member' }[]): WorkspaceList => ({
  user: { userId: A, name: 'Ann' },
  workspaces: [{ id: A, name: 'personal', role: 'owner', personal: true }, ...shared.map((w) => ({ id: w.id, name: w.name, role: w.role ?? 'member', personal: false }))],
});

function withTeam() {
  const replica = tempReplica();
  saveWorkspaceList(replica, listOf({ id: TEAM, name: 'Team' }), T0);
  return replica;
}

describe('the local workspaces', () => {
  it('always holds the personal one, first, and keeps its server id once a sync told it', () => {
    const replica = tempReplica();
    expect(listLocalWorkspaces(replica)).toEqual([{ id: '', name: 'personal', role: 'owner', personal: true, state: 'active', serverId: null }]);
    const { joined, left } = saveWorkspaceList(replica, listOf({ id: 'ws-z', name: 'Zeta' }, { id: TEAM, name: 'Team', role: 'owner' }), T0);
    expect(joined.map((w) => w.name).sort()).toEqual(['Team', 'Zeta']);
    expect(left).toEqual([]);
    expect(listLocalWorkspaces(replica).map((w) => [w.id, w.name, w.serverId])).toEqual([
      ['', 'personal', A],
      [TEAM, 'Team', TEAM],
      ['ws-z', 'Zeta', 'ws-z'],
    ]);
    // Saving the same list again joins nothing.
    expect(saveWorkspaceList(replica, listOf({ id: 'ws-z', name: 'Zeta' }, { id: TEAM, name: 'Team', role: 'owner' }), T0 + 1).joined).toEqual([]);
  });

  it('marks a workspace the server no longer lists left, and active again when it does', () => {
    const replica = withTeam();
    const { left } = saveWorkspaceList(replica, listOf(), T0 + 1);
    expect(left.map((w) => [w.name, w.state])).toEqual([['Team', 'left']]);
    expect(findWorkspace(replica, 'team').state).toBe('left');
    const again = saveWorkspaceList(replica, listOf({ id: TEAM, name: 'Team' }), T0 + 2);
    expect(again.joined.map((w) => w.name)).toEqual(['Team']);
    expect(findWorkspace(replica, TEAM).state).toBe('active');
  });

  it('finds by name ignoring case or by id; an unknown or ambiguous name names the flag and the fix', () => {
    const replica = withTeam();
    expect(findWorkspace(replica, 'PERSONAL').id).toBe('');
    expect(findWorkspace(replica, A).id).toBe('');
    expect(findWorkspace(replica, TEAM).name).toBe('Team');
    expect(() => findWorkspace(replica, 'nope')).toThrow(/--workspace: no workspace named or with id "nope".*convoy workspace list/);
    expect(() => findWorkspace(replica, 'nope', 'name')).toThrow(/^name: /);
    saveWorkspaceList(replica, listOf({ id: TEAM, name: 'Team' }, { id: 'ws-2', name: 'team' }), T0 + 1);
    expect(() => findWorkspace(replica, 'Team')).toThrow(UsageError);
    expect(() => findWorkspace(replica, 'Team')).toThrow(/names 2 workspaces; give its id instead/);
  });
});

describe('records in a workspace', () => {
  it('captures into the workspace given; members, notes and ops follow the task', () => {
    const replica = withTeam();
    const task = addTask(replica, { title: 'Shared', tag: ['x'], workspace: TEAM }, T0);
    replica.write((tx) => createNote(tx, task.id, 'a note', T0 + 1));
    addTask(replica, { title: 'Mine' }, T0 + 2);
    expect(rows<{ workspace_id: string }>(replica, 'task_tags').map((r) => r.workspace_id)).toEqual([TEAM]);
    expect(rows<{ workspace_id: string }>(replica, 'task_notes').map((r) => r.workspace_id)).toEqual([TEAM]);
    expect(rows<{ workspace_id: string; table_name: string }>(replica, 'outbox').map((r) => [r.table_name, r.workspace_id])).toEqual([
      ['tasks', TEAM],
      ['task_tags', TEAM],
      ['task_notes', TEAM],
      ['tasks', ''],
    ]);
  });

  it('lists and counts one workspace (personal by default)', () => {
    const replica = withTeam();
    addTask(replica, { title: 'Shared', workspace: TEAM }, T0);
    addTask(replica, { title: 'Mine', status: 'done' }, T0 + 1);
    expect(listTasks(replica).map((t) => t.title)).toEqual(['Mine']);
    expect(listTasks(replica, { workspace: TEAM }).map((t) => t.title)).toEqual(['Shared']);
    expect(countByStatus(replica, { workspace: TEAM })).toEqual({ todo: 1, in_progress: 0, done: 0, canceled: 0 });
    expect(countByStatus(replica, {})).toEqual({ todo: 0, in_progress: 0, done: 1, canceled: 0 });
    expect(listTasks(replica, { workspace: TEAM, search: 'sha' }).map((t) => t.title)).toEqual(['Shared']);
    expect(listTasks(replica, { search: 'sha' })).toEqual([]);
  });

  it('resolves references within the record\'s workspace only', () => {
    const replica = withTeam();
    addProject(replica, { name: 'Website' }, T0);
    expect(() => addTask(replica, { title: 'T', project: 'Website', workspace: TEAM }, T0)).toThrow(/project: no project named or with id "Website"/);
    const teamSite = addProject(replica, { name: 'Website', workspace: TEAM }, T0);
    expect(addTask(replica, { title: 'T', project: 'website', workspace: TEAM }, T0).projectId).toBe(teamSite.id);
    expect(listTasks(replica, { workspace: TEAM, project: 'Website' }).map((t) => t.title)).toEqual(['T']);
  });

  it('refuses capture into an unknown workspace', () => {
    const replica = tempReplica();
    expect(() => addTask(replica, { title: 'T', workspace: 'ws-unknown' }, T0)).toThrow(/no workspace with id "ws-unknown"/);
    expect(rows(replica, 'tasks')).toEqual([]);
  });
});

describe('a left workspace', () => {
  function leftWithTask() {
    const replica = withTeam();
    const task = addTask(replica, { title: 'Shared', workspace: TEAM }, T0);
    saveWorkspaceList(replica, listOf(), T0 + 1);
    return { replica, task };
  }
  const denied = /you are no longer a member of workspace Team: its tasks are read-only; convoy workspace forget Team removes them/;

  it('is read-only: add, update, tag, note and undo are denied (exit 7) and change nothing', () => {
    const { replica, task } = leftWithTask();
    const before = { tasks: rows(replica, 'tasks'), outbox: rows(replica, 'outbox') };
    expect(() => addTask(replica, { title: 'New', workspace: TEAM }, T0 + 2)).toThrow(DeniedError);
    expect(() => changeTask(replica, task.id, { title: 'Changed' }, T0 + 2)).toThrow(denied);
    expect(() => changeTask(replica, task.id, { tag: ['x'] }, T0 + 2)).toThrow(denied);
    expect(() => replica.write((tx) => createNote(tx, task.id, 'n', T0 + 2))).toThrow(denied);
    expect(() => undoLast(replica, T0 + 2)).toThrow(denied);
    expect({ tasks: rows(replica, 'tasks'), outbox: rows(replica, 'outbox') }).toEqual(before);
    // Still readable.
    expect(listTasks(replica, { workspace: TEAM }).map((t) => t.title)).toEqual(['Shared']);
    expect(() => requireWritable(replica, '')).not.toThrow();
  });

  it('is removed whole by forget: records, ops, sync state and its row; other workspaces stay', () => {
    const { replica } = leftWithTask();
    addTask(replica, { title: 'Mine', tag: ['y'] }, T0 + 2);
    replica.sqlite.prepare("INSERT INTO sync_state(workspace_id, table_name, cursor) VALUES (?, 'tasks', 5)").run(TEAM);
    expect(forgetWorkspace(replica, TEAM)).toEqual({ records: 1, ops: 1 });
    expect(rows<{ title: string }>(replica, 'tasks').map((r) => r.title)).toEqual(['Mine']);
    expect(rows(replica, 'outbox')).toHaveLength(2);
    expect(rows(replica, 'sync_state')).toEqual([]);
    expect(listLocalWorkspaces(replica).map((w) => w.name)).toEqual(['personal']);
    expect(countByStatus(replica, { workspace: TEAM })).toEqual({ todo: 0, in_progress: 0, done: 0, canceled: 0 });
  });

  it('forget refuses an active workspace and the personal one', () => {
    const replica = withTeam();
    expect(() => forgetWorkspace(replica, TEAM)).toThrow(/workspace Team is active; leave it first: convoy workspace leave Team/);
    expect(() => forgetWorkspace(replica, '')).toThrow(UsageError);
  });
});

describe('a replica from before workspaces', () => {
  it('migrates: every record, op, sync state and count is the personal workspace\'s', () => {
    const path = join(tempHome(), 'replica.db');
    const old = new Database(path);
    const before = readMigrationFiles({ migrationsFolder: join(import.meta.dirname, '..', '..', 'drizzle') }).slice(0, 7);
    for (const migration of before) for (const statement of migration.sql) if (statement.trim()) old.exec(statement);
    old.pragma('user_version = 7');
    old.exec("INSERT INTO meta (key, value, updated_at) VALUES ('clientId', 'c1', 0)");
    old.exec("INSERT INTO tasks (id, title, status, created_at, updated_at, sync_status) VALUES ('0193a000-0000-7000-8000-000000000001', 'Old', 'done', 1, 1, 'synced')");
    old.exec("INSERT INTO outbox (op, table_name, record_id, fields, created_at) VALUES ('update', 'tasks', '0193a000-0000-7000-8000-000000000001', '{}', 1)");
    old.exec("INSERT INTO sync_state (table_name, cursor, initial_sync_done) VALUES ('tasks', 42, 1)");
    old.close();
    const replica = openReplica(path);
    try {
      expect(rows<{ workspace_id: string }>(replica, 'tasks').map((r) => r.workspace_id)).toEqual(['']);
      expect(rows<{ workspace_id: string }>(replica, 'outbox').map((r) => r.workspace_id)).toEqual(['']);
      expect(rows(replica, 'sync_state')).toEqual([expect.objectContaining({ workspace_id: '', table_name: 'tasks', cursor: 42, initial_sync_done: 1 })]);
      expect(countByStatus(replica, {})).toEqual({ todo: 0, in_progress: 0, done: 1, canceled: 0 });
      expect(listLocalWorkspaces(replica).map((w) => w.name)).toEqual(['personal']);
      addTask(replica, { title: 'New' }, T0);
      expect(countByStatus(replica, {})).toEqual({ todo: 1, in_progress: 0, done: 1, canceled: 0 });
    } finally {
      replica.close();
    }
  });
});

describe('conflicts', () => {
  it('keep who wrote the remote side, when the server says', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'T' }, T0);
    const base = { local: 'mine', remote: 'theirs', policy: 'manual' as const, winner: 'pending' as const };
    replica.write((tx) =>
      recordConflicts(tx, { tableName: 'tasks', recordId: task.id }, [
        { ...base, field: 'title', remoteWriter: { userId: 'bob', name: 'Bob B' } },
        { ...base, field: 'description', remoteWriter: null },
        { ...base, field: 'stage' },
      ], T0),
    );
    expect(conflictViews(replica).map((c) => [c.field, c.remoteWriter])).toEqual([
      ['title', { userId: 'bob', name: 'Bob B' }],
      ['description', null],
      ['stage', null],
    ]);
  });
});

describe('convoy doctor\'s rebuild', () => {
  it('keeps each queued op\'s workspace and the workspaces known (a left one stays left)', () => {
    const path = join(tempHome(), 'replica.db');
    const replica = openReplica(path);
    saveWorkspaceList(replica, listOf({ id: TEAM, name: 'Team' }), T0);
    addTask(replica, { title: 'Shared', workspace: TEAM }, T0);
    addTask(replica, { title: 'Mine' }, T0);
    saveWorkspaceList(replica, listOf(), T0 + 1);
    replica.close();
    expect(rebuildReplica(path, T0 + 2).requeued).toBe(2);
    const rebuilt = openReplica(path);
    try {
      expect(rows<{ workspace_id: string }>(rebuilt, 'outbox').map((r) => r.workspace_id)).toEqual([TEAM, '']);
      expect(listLocalWorkspaces(rebuilt).map((w) => [w.name, w.state])).toEqual([
        ['personal', 'active'],
        ['Team', 'left'],
      ]);
    } finally {
      rebuilt.close();
    }
  });
});
