import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Replica } from '../../src/db/open.js';
import { specFor } from '../../src/db/registry.js';
import { searchIndexDeferral, tasks } from '../../src/db/schema.js';
import { withDeferredSearchIndex } from '../../src/db/search-index.js';
import { addTask, applyTaskUpdate, createTask, listTasks } from '../../src/db/tasks.js';
import { applyPulledPage } from '../../src/sync/apply-page.js';
import { tempReplica } from '../helpers/replica.js';

const T0 = Date.UTC(2026, 0, 1);
const titles = (replica: Replica, search: string) => listTasks(replica, { search }).map((t) => t.title);

/** FTS5's own check that the index holds exactly the tasks' current text (throws "malformed" otherwise). */
function expectIndexInStep(replica: Replica) {
  expect(() => replica.sqlite.exec("INSERT INTO tasks_fts(tasks_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  expect(replica.db.select().from(searchIndexDeferral).all()).toEqual([]);
}

describe('bulk writes index search once, at their end', () => {
  it('finds what a bulk write created, updated and deleted, old tasks and new alike', () => {
    const replica = tempReplica();
    const old = addTask(replica, { title: 'Old title', description: 'kept' }, T0);
    const gone = addTask(replica, { title: 'Gone soon' }, T0 + 1);
    replica.write((tx) =>
      withDeferredSearchIndex(tx, () => {
        const fresh = createTask(tx, { title: 'Fresh import' }, T0 + 2);
        createTask(tx, { title: 'Second import', description: 'Zebra crossing' }, T0 + 3);
        applyTaskUpdate(tx, fresh.id, { title: 'Renamed import' }, T0 + 4);
        applyTaskUpdate(tx, old.id, { title: 'New title' }, T0 + 5);
        tx.db.delete(tasks).where(eq(tasks.id, gone.id)).run();
        const shortLived = createTask(tx, { title: 'Short lived' }, T0 + 6);
        tx.db.delete(tasks).where(eq(tasks.id, shortLived.id)).run();
      }),
    );
    expectIndexInStep(replica);
    expect(titles(replica, 'IMPORT')).toEqual(['Second import', 'Renamed import']);
    expect(titles(replica, 'fresh')).toEqual([]);
    expect(titles(replica, 'zebra')).toEqual(['Second import']);
    expect(titles(replica, 'title')).toEqual(['New title']);
    expect(titles(replica, 'gone')).toEqual([]);
    expect(titles(replica, 'lived')).toEqual([]);
    // Writes after it are indexed row by row again.
    addTask(replica, { title: 'Added later' }, T0 + 7);
    expect(titles(replica, 'later')).toEqual(['Added later']);
    expectIndexInStep(replica);
  });

  it('leaves nothing behind when the bulk write throws', () => {
    const replica = tempReplica();
    addTask(replica, { title: 'Before' }, T0);
    expect(() =>
      replica.write((tx) =>
        withDeferredSearchIndex(tx, () => {
          createTask(tx, { title: 'Never committed' }, T0 + 1);
          throw new Error('stop');
        }),
      ),
    ).toThrow('stop');
    expectIndexInStep(replica);
    expect(titles(replica, 'committed')).toEqual([]);
    expect(titles(replica, 'before')).toEqual(['Before']);
  });

  it('indexes a pulled page: new tasks and changed ones', () => {
    const replica = tempReplica();
    const spec = specFor('tasks');
    const id = (n: number) => `01900000-0000-7000-8000-00000000000${n}`;
    const fields = (title: string) => ({ title, createdAt: T0, updatedAt: T0 });
    applyPulledPage(replica, spec, { changes: [{ recordId: id(1), version: 1, fields: fields('Pulled first') }], cursor: 1, hasMore: false, headVersion: 1 }, T0);
    const page = {
      changes: [
        { recordId: id(1), version: 3, fields: fields('Pulled renamed') },
        { recordId: id(2), version: 2, fields: fields('Pulled second') },
      ],
      cursor: 3,
      hasMore: false,
      headVersion: 3,
    };
    applyPulledPage(replica, spec, page, T0);
    expectIndexInStep(replica);
    expect(titles(replica, 'pulled')).toEqual(['Pulled second', 'Pulled renamed']);
    expect(titles(replica, 'first')).toEqual([]);
  });
});
