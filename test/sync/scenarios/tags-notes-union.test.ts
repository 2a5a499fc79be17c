/**
 * Offline on two replicas, one adds a tag and a note, the other another tag and a priority: after syncing in either order both hold the union of the tags, the note and the priority, and the server agrees (tags merge as a set, notes only add, priority merges as a field).
 */
import { describe, expect, it } from 'vitest';
import { createNote, notesOf } from '../../../src/db/notes.js';
import { SCENARIO_BACKENDS, twoReplicas, useScenario, type TestReplica } from './harness.js';

const notes = (r: TestReplica, id: string) => notesOf(r.ctx.replica(), id).map((n) => n.text);

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it.each([
    ['A first', 'ann'],
    ['B first', 'bea'],
  ])('offline tag x + a note on A, tag y + priority on B: after syncing (%s) both hold the union, the note and the priority', async (order, user) => {
    const { a, b, id } = await twoReplicas(scenario, user);
    a.update(id, { tag: ['x'] });
    a.ctx.replica().write((tx) => createNote(tx, id, 'called the bank', Date.now()));
    b.update(id, { tag: ['y'], priority: 'H' });
    const [first, second] = order === 'A first' ? [a, b] : [b, a];
    await first.sync();
    await second.sync();
    await first.sync();
    for (const r of [a, b]) {
      expect(r.task(id)).toMatchObject({ tags: ['x', 'y'], priority: 'H', syncStatus: 'synced' });
      expect(notes(r, id)).toEqual(['called the bank']);
    }
    // The server agrees: a fresh replica pulls the same.
    const c = await scenario.replica({ user });
    await c.sync();
    expect(c.task(id)).toMatchObject({ tags: ['x', 'y'], priority: 'H' });
    expect(notes(c, id)).toEqual(['called the bank']);
  });
});
