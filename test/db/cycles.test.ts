import { describe, expect, it } from 'vitest';
import { cycleInput, cycleThrough, cyclesThrough, noteCycles, readCycles, selfRefFields } from '../../src/db/cycles.js';
import { selfSetsOf } from '../../src/db/sets.js';
import { specFor, SYNC_TABLES } from '../../src/db/registry.js';
import { addTask, changeTask } from '../../src/db/tasks.js';
import { undoLast } from '../../src/db/undo.js';
import { UsageError } from '../../src/errors.js';
import { tempReplica } from '../helpers/replica.js';

const T0 = 1_700_000_000_000;
const tasks = specFor('tasks');

/** What a pull may write: a parent set on the server side, past the CLI's cycle check. */
const setParentAsPulled = (replica: ReturnType<typeof tempReplica>, id: string, parent: string | null) =>
  replica.sqlite.prepare('UPDATE tasks SET parent_id = ? WHERE id = ?').run(parent, id);

describe('reference cycles', () => {
  it('finds the self-referencing fields from the declarations', () => {
    expect(selfRefFields(tasks)).toEqual(['parentId']);
    expect(selfRefFields(specFor('projects'))).toEqual([]);
    expect(selfSetsOf('tasks').map((s) => s.set.field)).toEqual(['blockedBy']);
    expect(selfSetsOf('projects')).toEqual([]);
  });

  it('finds a blocked-by cycle a pull merged in (through member records), notes it from the touched members, and names the option that breaks it', () => {
    const replica = tempReplica();
    const [a, b, c] = ['a', 'b', 'c'].map((t, i) => addTask(replica, { title: t }, T0 + i).id) as [string, string, string];
    changeTask(replica, a, { blockedBy: [b] }, T0 + 3);
    changeTask(replica, b, { blockedBy: [c] }, T0 + 4);
    expect(cyclesThrough(replica, tasks, a)).toEqual([]);
    // What a pull may write: c blocked by a, past the CLI's cycle check.
    const blockers = specFor('task_blockers');
    replica.sqlite.prepare("INSERT INTO task_blockers (id, owner_id, member, state, created_at, updated_at) VALUES ('m1', ?, ?, 'present', ?, ?)").run(c, a, T0, T0);
    const ring = [a, b, c];
    const start = ring.indexOf([...ring].sort()[0]!);
    const expected = [...ring.slice(start), ...ring.slice(0, start)];
    expect(cycleThrough(replica, tasks, 'blockedBy', b)?.ids).toEqual(expected);
    expect(cyclesThrough(replica, tasks, c)).toEqual([{ table: 'tasks', field: 'blockedBy', ids: expected }]);
    replica.write((tx) => noteCycles(tx, blockers, ['m1'], T0));
    expect(readCycles(replica, SYNC_TABLES)).toEqual([{ table: 'tasks', field: 'blockedBy', ids: expected }]);
    expect(cycleInput(readCycles(replica, SYNC_TABLES)[0]!)).toEqual({ name: 'blocked-by', flag: 'unblock', clears: false });
    expect(cycleInput({ table: 'tasks', field: 'parentId', ids: [] })).toEqual({ name: 'parent', flag: 'parent', clears: true });
    changeTask(replica, b, { unblock: [c] }, T0 + 10);
    expect(readCycles(replica, SYNC_TABLES)).toEqual([]);
    // Undoing that unblock would close the cycle again: refused, nothing changes.
    expect(() => undoLast(replica, T0 + 11)).toThrow(/^undo: --blocked-by .* would make a cycle again/);
    expect(readCycles(replica, SYNC_TABLES)).toEqual([]);
    expect(cyclesThrough(replica, tasks, b)).toEqual([]);
  });

  it('walks a chain to its end, finds a cycle once (from its smallest id) and stops on a chain that runs into one', () => {
    const replica = tempReplica();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((t, i) => addTask(replica, { title: t }, T0 + i).id) as [string, string, string, string];
    setParentAsPulled(replica, a, b);
    expect(cycleThrough(replica, tasks, 'parentId', a)).toBeNull();
    setParentAsPulled(replica, b, c);
    setParentAsPulled(replica, c, a);
    setParentAsPulled(replica, d, a); // leads into the cycle, is not part of it
    const ring = [a, b, c];
    const start = [...ring].sort()[0]!;
    const expected = [...ring.slice(ring.indexOf(start)), ...ring.slice(0, ring.indexOf(start))];
    expect(cycleThrough(replica, tasks, 'parentId', b)?.ids).toEqual(expected);
    expect(cycleThrough(replica, tasks, 'parentId', d)).toBeNull();
    replica.write((tx) => noteCycles(tx, tasks, [d, c], T0));
    expect(readCycles(replica, SYNC_TABLES)).toEqual([{ table: 'tasks', field: 'parentId', ids: expected }]);
    // Broken by a later edit: no longer reported, even before the next pull re-notes.
    changeTask(replica, c, { parent: '' }, T0 + 10);
    expect(readCycles(replica, SYNC_TABLES)).toEqual([]);
  });

  it('undo refuses to restore a parent that would close a cycle a pull brought in', () => {
    const replica = tempReplica();
    const a = addTask(replica, { title: 'a' }, T0).id;
    const b = addTask(replica, { title: 'b' }, T0 + 1).id;
    changeTask(replica, a, { parent: b }, T0 + 2);
    changeTask(replica, a, { parent: '' }, T0 + 3);
    setParentAsPulled(replica, b, a);
    expect(() => undoLast(replica, T0 + 4)).toThrow(UsageError);
    expect(() => undoLast(replica, T0 + 4)).toThrow(/would make a cycle/);
    expect(cycleThrough(replica, tasks, 'parentId', a)).toBeNull();
  });
});
