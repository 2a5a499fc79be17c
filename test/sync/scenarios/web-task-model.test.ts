/**
 * A web app writing the task model (priority, due, a tag member, a note) through the web functions is seen by replicas like any other change.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notesOf } from '../../../src/db/notes.js';
import { SCENARIO_BACKENDS, twoReplicas, useScenario, type TestReplica } from './harness.js';

const notes = (r: TestReplica, id: string) => notesOf(r.ctx.replica(), id).map((n) => n.text);

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('a web app writing priority, due, a tag and a note is seen by replicas like any change', async () => {
    const { a, id } = await twoReplicas(scenario, 'dot');
    const web = await scenario.web('dot');
    const due = Date.UTC(2030, 0, 2, 3, 4);
    await web.updateTask(id, { priority: 'L', due });
    await web.create('task_tags', randomUUID(), { ownerId: id, member: 'web' });
    await web.create('task_notes', randomUUID(), { taskId: id, text: 'from the web' });
    await a.sync();
    expect(a.task(id)).toMatchObject({ priority: 'L', due, tags: ['web'] });
    expect(notes(a, id)).toEqual(['from the web']);
  });
});
