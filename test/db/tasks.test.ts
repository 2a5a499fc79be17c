import { describe, expect, it } from 'vitest';
import { addProject } from '../../src/db/projects.js';
import { addTask, changeTask, findTask, listTasks } from '../../src/db/tasks.js';
import { UsageError } from '../../src/errors.js';
import { rows, tempReplica } from '../helpers/replica.js';

interface OpRow {
  seq: number;
  op: string;
  table_name: string;
  record_id: string;
  fields: string;
  base_version: number | null;
}

const T0 = 1_700_000_000_000;

describe('task writes', () => {
  it('writes the row and its create op together, with every synced field', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: '  Fix login  ', stage: 'triage' }, T0);
    expect(task.title).toBe('Fix login');
    const ops = rows<OpRow>(replica, 'outbox');
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ op: 'create', table_name: 'tasks', record_id: task.id, base_version: null });
    expect(JSON.parse(ops[0]!.fields)).toEqual({
      title: 'Fix login',
      description: '',
      status: 'todo',
      stage: 'triage',
      projectId: null,
      parentId: null,
      completedAt: null,
      due: null,
      priority: null,
      createdAt: T0,
    });
    expect(task.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('queues an update holding only the changed fields and the base version', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'A' }, T0);
    replica.sqlite.prepare('UPDATE tasks SET server_version = 41 WHERE id = ?').run(task.id);
    const { changed } = changeTask(replica, task.id, { title: 'A', stage: 'review' }, T0 + 1);
    expect(changed).toBe(true);
    const ops = rows<OpRow>(replica, 'outbox');
    expect(ops).toHaveLength(2);
    expect(JSON.parse(ops[1]!.fields)).toEqual({ stage: 'review' });
    expect(ops[1]!.base_version).toBe(41);
    expect(ops[1]!.seq).toBeGreaterThan(ops[0]!.seq);
  });

  it('writes nothing for an update that changes nothing', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'A', stage: 's' }, T0);
    const { changed, task: after } = changeTask(replica, task.id.slice(0, 30), { title: 'A', stage: 's' }, T0 + 5);
    expect(changed).toBe(false);
    expect(after.updatedAt).toBe(T0);
    expect(rows(replica, 'outbox')).toHaveLength(1);
  });

  it('sets completedAt when a task becomes done and clears it when it leaves done', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'A' }, T0);
    expect(changeTask(replica, task.id, { status: 'done' }, T0 + 10).task.completedAt).toBe(T0 + 10);
    expect(changeTask(replica, task.id, { status: 'done', title: 'B' }, T0 + 20).task.completedAt).toBe(T0 + 10);
    expect(changeTask(replica, task.id, { status: 'todo' }, T0 + 30).task.completedAt).toBeNull();
    expect(addTask(replica, { title: 'C', status: 'done' }, T0 + 40).completedAt).toBe(T0 + 40);
    const last = rows<OpRow>(replica, 'outbox').filter((o) => o.record_id === task.id).at(-1)!;
    expect(JSON.parse(last.fields)).toEqual({ status: 'todo', completedAt: null });
  });

  it('links projects by name or id and parents by id prefix', () => {
    const replica = tempReplica();
    const project = addProject(replica, { name: 'Website' }, T0);
    const parent = addTask(replica, { title: 'Parent' }, T0);
    const child = addTask(replica, { title: 'Child', project: 'Website', parent: parent.id.slice(0, 34) }, T0);
    expect(child.projectId).toBe(project.id);
    expect(child.parentId).toBe(parent.id);
    const cleared = changeTask(replica, child.id, { project: '', parent: '' }, T0 + 1).task;
    expect(cleared.projectId).toBeNull();
    expect(cleared.parentId).toBeNull();
  });

  it('refuses a parent that would make a cycle, writing nothing', () => {
    const replica = tempReplica();
    const a = addTask(replica, { title: 'A' }, T0);
    const b = addTask(replica, { title: 'B', parent: a.id }, T0);
    const c = addTask(replica, { title: 'C', parent: b.id }, T0);
    const before = rows(replica, 'outbox').length;
    expect(() => changeTask(replica, a.id, { parent: c.id }, T0 + 1)).toThrow(/would make a cycle/);
    expect(() => changeTask(replica, a.id, { parent: a.id }, T0 + 1)).toThrow(/would make a cycle/);
    expect(rows(replica, 'outbox')).toHaveLength(before);
    expect(findTask(replica, a.id).parentId).toBeNull();
  });

  it('rolls back the row when validation fails', () => {
    const replica = tempReplica();
    expect(() => addTask(replica, { title: 'ok', project: 'nope' }, T0)).toThrow(UsageError);
    expect(() => addTask(replica, { title: 'x'.repeat(501) }, T0)).toThrow(/at most 500/);
    expect(rows(replica, 'tasks')).toHaveLength(0);
    expect(rows(replica, 'outbox')).toHaveLength(0);
  });
});

describe('id prefixes', () => {
  it('accepts a unique prefix of 4+ characters, case-insensitively', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'A' }, T0);
    expect(findTask(replica, task.id.slice(0, 36).toUpperCase()).id).toBe(task.id);
  });

  it('refuses short, unknown and ambiguous prefixes', () => {
    const replica = tempReplica();
    const a = addTask(replica, { title: 'A' }, T0);
    const b = addTask(replica, { title: 'B' }, T0);
    expect(() => findTask(replica, a.id.slice(0, 3))).toThrow(/too short; give the short id convoy list prints, or the full id/);
    expect(() => findTask(replica, 'ffffffff')).toThrow(/no task with id "ffffffff"/);
    const shared = a.id.slice(0, 8);
    expect(b.id.startsWith(shared)).toBe(true);
    expect(() => findTask(replica, shared)).toThrow(new RegExp(`ambiguous: matches .*${a.id}.*${b.id}|ambiguous: matches .*${b.id}.*${a.id}`));
  });
});

describe('listTasks', () => {
  it('filters by status, project, pending and text, newest first', () => {
    const replica = tempReplica();
    addProject(replica, { name: 'Web' }, T0);
    const a = addTask(replica, { title: 'Fix login', project: 'Web' }, T0);
    const b = addTask(replica, { title: 'Write docs', status: 'in_progress', description: 'about 100% of LOGIN' }, T0 + 1);
    const c = addTask(replica, { title: 'Ship', status: 'done' }, T0 + 2);
    replica.sqlite.prepare("DELETE FROM outbox WHERE record_id = ?").run(c.id);
    const ids = (f: Parameters<typeof listTasks>[1]) => listTasks(replica, f).map((t) => t.id);
    expect(ids({})).toEqual([c.id, b.id, a.id]);
    expect(ids({ statuses: ['todo', 'done'] })).toEqual([c.id, a.id]);
    expect(ids({ project: 'Web' })).toEqual([a.id]);
    expect(ids({ pending: true })).toEqual([b.id, a.id]);
    expect(ids({ search: 'login' })).toEqual([b.id, a.id]);
    expect(ids({ search: '100%' })).toEqual([b.id]);
    expect(ids({ search: '_' })).toEqual([]);
    expect(ids({ limit: 1 })).toEqual([c.id]);
  });
});

describe('listTasks --search (the full-text index)', () => {
  it('finds any substring of title or description, case-insensitively, and follows edits', () => {
    const replica = tempReplica();
    const a = addTask(replica, { title: 'Réparer le café', description: 'Ask "Bob" about it' }, T0);
    const b = addTask(replica, { title: 'Ship release #199999' }, T0 + 1);
    const titles = (search: string) => listTasks(replica, { search }).map((t) => t.title);
    expect(titles('CAFÉ')).toEqual(['Réparer le café']);
    expect(titles('parer le')).toEqual(['Réparer le café']);
    expect(titles('"bob"')).toEqual(['Réparer le café']);
    expect(titles('99999')).toEqual(['Ship release #199999']);
    expect(titles('e')).toEqual(['Ship release #199999', 'Réparer le café']);
    expect(titles('ab')).toEqual(['Réparer le café']);
    expect(titles('nothing like it')).toEqual([]);
    changeTask(replica, b.id, { title: 'Ship it' }, T0 + 2);
    changeTask(replica, a.id, { description: '' }, T0 + 3);
    expect(titles('99999')).toEqual([]);
    expect(titles('bob')).toEqual([]);
    expect(titles('ship i')).toEqual(['Ship it']);
  });
});
