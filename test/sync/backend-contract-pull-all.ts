/**
 * The backend contract for the combined pull (`Backend.pullAll`): every
 * table in one request, a budget shared between tables, and no echo of a
 * replica's own writes it holds from its push results. Written against the
 * `Backend` interface only, so every backend runs it.
 */
import { expect, it } from 'vitest';
import type { Backend } from '../../src/sync/backend.js';
import type { KnownWrites, PullAllRequest, RemoteRecord } from '../../src/schema/protocol.js';
import { headOf, newId, OpSeq, projectFields, taskFields, versionOf } from './contract-helpers.js';

export interface PullAllSuite {
  alice: Backend;
  harness: { webUpdateTask(user: string, recordId: string, fields: Record<string, string | number | null>): Promise<void> };
}

/** Every change of each table above `cursors`, asking again while a table has more; checks cursors only move forward. */
async function pullEverything(backend: Backend, cursors: Record<string, number>, limit: number, known?: KnownWrites) {
  const records: Record<string, RemoteRecord[]> = Object.fromEntries(Object.keys(cursors).map((t) => [t, []]));
  let requests = 0;
  let due = { ...cursors };
  while (Object.keys(due).length > 0) {
    const request: PullAllRequest = known ? { cursors: due, limit, known } : { cursors: due, limit };
    const answer = await backend.pullAll(request);
    requests++;
    const next: Record<string, number> = {};
    for (const [table, cursor] of Object.entries(due)) {
      const page = answer.tables[table]!;
      expect(page.cursor).toBeGreaterThanOrEqual(cursor);
      for (const change of page.changes) expect(change.version).toBeGreaterThan(cursor);
      records[table]!.push(...page.changes);
      if (page.hasMore) next[table] = page.cursor;
    }
    due = next;
  }
  return { records, requests };
}

export function pullAllCases(suite: PullAllSuite, user: string): void {
  it('answers every table asked in one request, with the head, and nothing at the head', async () => {
    const ops = new OpSeq();
    const head = await headOf(suite.alice);
    const [task, project] = [newId(), newId()];
    const { results } = await suite.alice.push(ops.batch([ops.create(task, taskFields('both')), ops.create(project, projectFields('both'), 'projects')]));
    const [tv, pv] = results.map(versionOf);
    const answer = await suite.alice.pullAll({ cursors: { tasks: head, projects: head }, limit: 100 });
    expect(answer.headVersion).toBe(head + 2);
    expect(answer.tables.tasks).toMatchObject({ changes: [{ recordId: task, version: tv }], cursor: tv, hasMore: false });
    expect(answer.tables.projects).toMatchObject({ changes: [{ recordId: project, version: pv }], cursor: pv, hasMore: false });
    const idle = await suite.alice.pullAll({ cursors: { tasks: head + 2, projects: head + 2 }, limit: 100 });
    // (Its `workspaces` list: backend-contract-workspaces.ts.)
    expect({ tables: idle.tables, headVersion: idle.headVersion }).toEqual({ tables: { tasks: { changes: [], cursor: head + 2, hasMore: false }, projects: { changes: [], cursor: head + 2, hasMore: false } }, headVersion: head + 2 });
  });

  it('shares the limit between tables and serves the rest in later requests, each record once', async () => {
    const ops = new OpSeq();
    const head = await headOf(suite.alice);
    const tasks = Array.from({ length: 30 }, () => newId());
    const projects = Array.from({ length: 20 }, () => newId());
    await suite.alice.push(ops.batch([...tasks.map((id) => ops.create(id, taskFields(id))), ...projects.map((id) => ops.create(id, projectFields(id), 'projects'))]));
    const { records, requests } = await pullEverything(suite.alice, { tasks: head, projects: head }, 12);
    expect(records.tasks!.map((r) => r.recordId)).toEqual(tasks);
    expect(records.projects!.map((r) => r.recordId)).toEqual(projects);
    expect(requests).toBeGreaterThanOrEqual(Math.ceil(50 / 12));
  });

  it('leaves out the asker’s own known writes, but not another writer’s change, nor an unknown version', async () => {
    const ops = new OpSeq();
    const head = await headOf(suite.alice);
    const ids = Array.from({ length: 5 }, () => newId());
    const { results } = await suite.alice.push(ops.batch(ids.map((id) => ops.create(id, taskFields(id)))));
    const versions = results.map(versionOf);
    const known: KnownWrites = { clientId: ops.clientId, versions: [[versions[0]!, versions.at(-1)!]] };
    const quiet = await pullEverything(suite.alice, { tasks: head }, 100, known);
    expect(quiet.records.tasks).toEqual([]);
    // Another replica's known versions are not ours; a version we do not claim comes back.
    const stranger = await pullEverything(suite.alice, { tasks: head }, 100, { clientId: new OpSeq().clientId, versions: known.versions });
    expect(stranger.records.tasks!.map((r) => r.recordId)).toEqual(ids);
    const partial = await pullEverything(suite.alice, { tasks: head }, 100, { clientId: ops.clientId, versions: [[versions[0]!, versions[2]!]] });
    expect(partial.records.tasks!.map((r) => r.recordId)).toEqual(ids.slice(3));
    // A web edit after our push makes the record someone else's change: it comes back, whole.
    await suite.harness.webUpdateTask(user, ids[1]!, { title: 'edited on the web' });
    const after = await pullEverything(suite.alice, { tasks: head }, 100, known);
    expect(after.records.tasks).toMatchObject([{ recordId: ids[1], fields: { title: 'edited on the web', status: 'todo' } }]);
  });

  it('refuses an unknown table as a permanent error', async () => {
    await expect(suite.alice.pullAll({ cursors: { nope: 0 }, limit: 10 })).rejects.toMatchObject({ retryable: false });
  });
}
