/** Undo of set members (tags): unpushed changes are dropped; pushed ones are taken back the set's way (a removed member comes back as a new record). */
import { describe, expect, it } from 'vitest';
import { addTask, changeTask, getTask } from '../../src/db/tasks.js';
import { undoLast } from '../../src/db/undo.js';
import { rows, tempReplica } from '../helpers/replica.js';

const T0 = 1_700_000_000_000;
/** What a push leaves: the ops gone (the records stay, now the server's too). */
const pushed = (replica: ReturnType<typeof tempReplica>) => replica.sqlite.prepare('DELETE FROM outbox').run();

describe('undo and tags', () => {
  it('drops an unpushed tag with its op', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'T' }, T0);
    changeTask(replica, task.id, { tag: ['x'] }, T0 + 1);
    undoLast(replica, T0 + 2);
    expect(getTask(replica, task.id)?.tags).toEqual([]);
    expect(rows(replica, 'task_tags')).toEqual([]);
  });

  it('takes back a pushed removal by adding the tag again as a new member', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'T', tag: ['x'] }, T0);
    pushed(replica);
    changeTask(replica, task.id, { untag: ['x'] }, T0 + 1);
    pushed(replica);
    undoLast(replica, T0 + 2);
    expect(getTask(replica, task.id)?.tags).toEqual(['x']);
    expect(rows<{ state: string }>(replica, 'task_tags').map((r) => r.state).sort()).toEqual(['present', 'removed']);
  });

  it('takes back a pushed add of a task and its tag: the task is canceled, the tag removed', () => {
    const replica = tempReplica();
    const task = addTask(replica, { title: 'T', tag: ['x'] }, T0);
    pushed(replica);
    undoLast(replica, T0 + 1);
    expect(getTask(replica, task.id)).toMatchObject({ status: 'canceled', tags: [] });
  });
});
