/**
 * The backend contract: push/pull semantics every sync backend must have,
 * written only against the `Backend` interface and the harness's web-side
 * helpers, so each backend (Convex, Supabase) runs the same suite.
 *
 * Tests use fresh record and client ids and start pulls at the user's head,
 * so they also run against a long-lived real deployment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/sync/backend.js';
import { BackendError } from '../../src/errors.js';
import type { Fields, OpResult, WorkspaceId } from '../../src/schema/protocol.js';
import { checksumCases } from './backend-contract-checksum.js';
import { pullAllCases } from './backend-contract-pull-all.js';
import { workspaceCases } from './backend-contract-workspaces.js';
import { byId, headOf, newId, OpSeq, projectFields, pullAll, taskFields, versionOf } from './contract-helpers.js';

export interface Harness {
  /** A backend acting as `user`; `clientId` is for backends that bind a session to a replica. */
  backend(user: string, clientId?: string): Promise<Backend>;
  /** A backend whose credential the server must refuse (bad signature or expired). */
  invalidBackend(): Promise<Backend>;
  /** Create a task as the web app would, for `user`, in `workspace` (absent: their personal one). */
  webCreateTask(user: string, recordId: string, fields: Fields, workspace?: WorkspaceId): Promise<void>;
  /** Update a task as the web app would (the web value always wins), in `workspace` (absent: their personal one). */
  webUpdateTask(user: string, recordId: string, fields: Fields, workspace?: WorkspaceId): Promise<void>;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** False when only one user's credential is available: user-isolation cases are skipped. */
  secondUser?: boolean;
  /**
   * False when the workspace cases (backend-contract-workspaces.ts) cannot
   * run: fewer than four users' credentials (WORKSPACE_USERS), or a backend
   * whose server side of workspaces has not landed yet.
   */
  workspaces?: boolean;
}

const ALICE = 'alice';
const BOB = 'bob';

/** The suite's shared state, filled in by its beforeAll. */
interface Suite {
  harness: Harness;
  /** A backend acting as ALICE, used by most cases. */
  alice: Backend;
}

export function describeBackendContract(name: string, makeHarness: () => Promise<Harness>, options: ContractOptions = {}) {
  describe(`backend contract: ${name}`, () => {
    const suite = {} as Suite;
    beforeAll(async () => {
      suite.harness = await makeHarness();
      suite.alice = await suite.harness.backend(ALICE);
    });
    afterAll(async () => {
      await suite.alice?.close();
      await suite.harness?.close();
    });
    describe('push', () => pushCases(suite));
    describe('field conflicts', () => conflictCases(suite));
    describe('pull', () => pullCases(suite));
    describe('combined pull', () => pullAllCases(suite, ALICE));
    describe('checksum (convoy verify)', () => checksumCases(suite, ALICE));
    describe('identity', () => identityCases(suite, options));
    if (options.workspaces !== false) describe('workspaces', () => workspaceCases(suite));
  });
}

function pushCases(suite: Suite): void {
  it('is idempotent: the same batch twice gives the same results and applies once', async () => {
    const ops = new OpSeq();
    const [a, b] = [newId(), newId()];
    const batch = ops.batch([ops.create(a, taskFields('A')), ops.create(b, taskFields('B')), ops.update(a, { stage: 'x' }, null)]);
    const head = await headOf(suite.alice);
    const first = await suite.alice.push(batch);
    const headAfter = await headOf(suite.alice);
    const second = await suite.alice.push(batch);
    expect(second.results).toEqual(first.results);
    expect(await headOf(suite.alice)).toBe(headAfter);
    const pulled = await pullAll(suite.alice, 'tasks', head, 100);
    expect(pulled.records.filter((r) => r.recordId === a || r.recordId === b)).toHaveLength(2);
    expect(byId(pulled.records, [a]).get(a)?.fields).toMatchObject({ title: 'A', stage: 'x' });
  });

  it('answers a long-acknowledged op from the record as it is now, never applying it again', async () => {
    const ops = new OpSeq();
    const id = newId();
    const first = ops.batch([ops.create(id, taskFields('v1'))]);
    await suite.alice.push(first);
    // The next batch starts at seq 2: the stored result of seq 1 is forgotten.
    const second = await suite.alice.push(ops.batch([ops.update(id, { title: 'v2' }, null)]));
    const head = await headOf(suite.alice);
    const { results } = await suite.alice.push(first);
    expect(results[0]).toMatchObject({ seq: 1, status: 'applied', version: versionOf(second.results[0]), fields: { title: 'v2' } });
    expect(await headOf(suite.alice)).toBe(head);
  });

  it('applies the ops of a batch in order', async () => {
    const ops = new OpSeq();
    const id = newId();
    const { results } = await suite.alice.push(
      ops.batch([ops.create(id, taskFields('one')), ops.update(id, { title: 'two' }, null), ops.update(id, { title: 'three' }, null)]),
    );
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3]);
    const versions = results.map(versionOf);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size).toBe(3);
    expect(results[2]).toMatchObject({ status: 'applied', fields: { title: 'three' } });
  });

  it('never counts a replica’s own earlier writes as conflicts, even from a stale base', async () => {
    const ops = new OpSeq();
    const id = newId();
    const created = await suite.alice.push(ops.batch([ops.create(id, taskFields('mine'))]));
    const base = versionOf(created.results[0]);
    await suite.alice.push(ops.batch([ops.update(id, { title: 'mine 2' }, base)]));
    const { results } = await suite.alice.push(ops.batch([ops.update(id, { title: 'mine 3', stage: 's' }, base)], { tasks: 'manual' }));
    expect(results[0]).toMatchObject({ status: 'applied', fields: { title: 'mine 3', stage: 's' } });
  });

  it('does not let a rejected op wedge the ops behind it', async () => {
    const ops = new OpSeq();
    const [a, b, c] = [newId(), newId(), newId()];
    const head = await headOf(suite.alice);
    const batch = ops.batch([
      ops.create(a, taskFields('fine')),
      ops.update(newId(), { title: 'no such record' }, 1),
      ops.create(b, taskFields('')), // invalid: empty title
      ops.create(c, taskFields('also fine')),
    ]);
    const first = await suite.alice.push(batch);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'applied']);
    for (const r of first.results.filter((x) => x.status === 'rejected')) {
      expect((r as Extract<OpResult, { status: 'rejected' }>).reason).toMatch(/\w/);
    }
    expect((await suite.alice.push(batch)).results).toEqual(first.results);
    const next = await suite.alice.push(ops.batch([ops.update(c, { stage: 'after' }, versionOf(first.results[3]))]));
    expect(next.results[0]).toMatchObject({ seq: 5, status: 'applied' });
    const pulled = byId((await pullAll(suite.alice, 'tasks', head, 1000)).records, [a, b, c]);
    expect([...pulled.keys()].sort()).toEqual([a, c].sort());
  });
  it('rejects a bad value per op, and refuses a batch with an undeclared field whole', async () => {
    const ops = new OpSeq();
    const head = await headOf(suite.alice);
    const { results } = await suite.alice.push(
      ops.batch([ops.create(newId(), taskFields('bad status', { status: 'someday' })), ops.create(newId(), taskFields('fine'))]),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'applied']);
    expect(results[0]).toMatchObject({ reason: expect.stringMatching(/status/) });
    const undeclared = ops.batch([ops.create(newId(), taskFields('fine')), ops.create(newId(), taskFields('extra', { color: 'red' }))]);
    const error = await suite.alice.push(undeclared).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ retryable: false, offline: false, auth: false });
    expect((error as Error).message).toMatch(/color/);
    expect(await headOf(suite.alice)).toBe(head + 1);
  });

  it('rejects per op a title with a bidi override or with no visible character, naming the field', async () => {
    const ops = new OpSeq();
    const { results } = await suite.alice.push(
      ops.batch([ops.create(newId(), taskFields('invoice\u202Efdp.exe')), ops.create(newId(), taskFields('\u200b\u2060')), ops.create(newId(), taskFields('fine'))]),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'applied']);
    expect(results[0]).toMatchObject({ reason: expect.stringMatching(/title contains bidirectional control characters/) });
    expect(results[1]).toMatchObject({ reason: expect.stringMatching(/title has no visible character/) });
  });
}

function conflictCases(suite: Suite): void {
  /** A task the replica created, then the web changed `title` (and `webExtra`). */
  async function webEditedTask(webFields: Fields = { title: 'web title' }) {
    const ops = new OpSeq();
    const id = newId();
    const created = await suite.alice.push(ops.batch([ops.create(id, taskFields('original'))]));
    await suite.harness.webUpdateTask(ALICE, id, webFields);
    return { ops, id, base: versionOf(created.results[0]) };
  }

  const cases = [
    { policy: 'local-wins', clientTime: undefined, winner: 'local', title: 'local title' },
    { policy: 'remote-wins', clientTime: undefined, winner: 'remote', title: 'web title' },
    { policy: 'last-write-wins', clientTime: Date.now() + 3_600_000, winner: 'local', title: 'local title' },
    { policy: 'last-write-wins', clientTime: 1, winner: 'remote', title: 'web title' },
    { policy: 'manual', clientTime: undefined, winner: 'pending', title: 'web title' },
  ] as const;
  for (const c of cases) {
    const outcome = c.winner === 'pending' ? 'the server value is held until resolved' : `${c.winner} wins`;
    const when = c.clientTime === undefined ? '' : c.clientTime === 1 ? ' (local older)' : ' (local newer)';
    it(`${c.policy}: ${outcome} when a field changed on both sides${when}`, async () => {
      const { ops, id, base } = await webEditedTask();
      const op = ops.update(id, { title: 'local title' }, base, { clientTime: c.clientTime });
      const { results } = await suite.alice.push(ops.batch([op], { tasks: c.policy }));
      expect(results[0]).toMatchObject({
        status: 'conflict',
        fields: { title: c.title },
        conflicts: [{ field: 'title', local: 'local title', remote: 'web title', policy: c.policy, winner: c.winner }],
      });
      const pulled = byId((await pullAll(suite.alice, 'tasks', base - 1, 1000)).records, [id]);
      expect(pulled.get(id)?.fields.title).toBe(c.title);
    });
  }

  it('merges fields changed on different sides without a conflict', async () => {
    const { ops, id, base } = await webEditedTask({ stage: 'review' });
    const { results } = await suite.alice.push(ops.batch([ops.update(id, { title: 'local title' }, base)], { tasks: 'manual' }));
    expect(results[0]).toMatchObject({ status: 'merged', fields: { title: 'local title', stage: 'review' } });
    expect(results[0]).not.toHaveProperty('conflicts');
  });

  it('is no conflict when both sides wrote the same value', async () => {
    const { ops, id, base } = await webEditedTask({ title: 'same' });
    const { results } = await suite.alice.push(ops.batch([ops.update(id, { title: 'same' }, base)], { tasks: 'manual' }));
    expect(results[0]?.status).not.toBe('conflict');
  });

  it('merges set members add-wins: both replicas’ adds stay, a remove takes only what it saw, twice removed is no conflict', async () => {
    const [one, two] = [new OpSeq(), new OpSeq()];
    const head = await headOf(suite.alice);
    const task = newId();
    const member = (value: string) => ({ ownerId: task, member: value, state: 'present', createdAt: Date.now() });
    const [x, y, again] = [newId(), newId(), newId()];
    const created = await suite.alice.push(one.batch([one.create(task, taskFields('tagged')), one.create(x, member('x'), 'task_tags')]));
    const base = versionOf(created.results[1]);
    await suite.alice.push(two.batch([two.create(y, member('y'), 'task_tags')]));
    // Offline, both remove x; two adds x again (a new member record).
    await suite.alice.push(one.batch([one.update(x, { state: 'removed' }, base, { table: 'task_tags' })]));
    const { results } = await suite.alice.push(two.batch([two.update(x, { state: 'removed' }, base, { table: 'task_tags' }), two.create(again, member('x'), 'task_tags')]));
    expect(results.map((r) => r.status)).not.toContain('conflict');
    expect(results.map((r) => r.status)).not.toContain('rejected');
    const pulled = byId((await pullAll(suite.alice, 'task_tags', head, 1000)).records, [x, y, again]);
    expect([...pulled.values()].filter((r) => r.fields.state === 'present').map((r) => r.fields.member).sort()).toEqual(['x', 'y']);
  });

  it('refuses an update of an append-only table (notes) as a rejected op, keeping the note', async () => {
    const ops = new OpSeq();
    const head = await headOf(suite.alice);
    const [task, note] = [newId(), newId()];
    const { results } = await suite.alice.push(ops.batch([ops.create(task, taskFields('noted')), ops.create(note, { taskId: task, text: 'first', createdAt: Date.now() }, 'task_notes')]));
    const again = await suite.alice.push(ops.batch([ops.update(note, { text: 'changed' }, versionOf(results[1]), { table: 'task_notes' })]));
    expect(again.results[0]).toMatchObject({ status: 'rejected' });
    expect((again.results[0] as { reason: string }).reason).toMatch(/never changed/);
    expect(byId((await pullAll(suite.alice, 'task_notes', head, 1000)).records, [note]).get(note)?.fields.text).toBe('first');
  });

  it('settles each table by its own policy, also between two replicas', async () => {
    const [one, two] = [new OpSeq(), new OpSeq()];
    const id = newId();
    const created = await suite.alice.push(one.batch([one.create(id, projectFields('p'), 'projects')]));
    const base = versionOf(created.results[0]);
    await suite.alice.push(two.batch([two.update(id, { name: 'from two' }, base, { table: 'projects' })]));
    const { results } = await suite.alice.push(
      one.batch([one.update(id, { name: 'from one' }, base, { table: 'projects' })], { tasks: 'local-wins', projects: 'remote-wins' }),
    );
    expect(results[0]).toMatchObject({
      status: 'conflict',
      fields: { name: 'from two' },
      conflicts: [{ field: 'name', local: 'from one', remote: 'from two', policy: 'remote-wins', winner: 'remote' }],
    });
  });
}

function pullCases(suite: Suite): void {
  it('serves web-created records, and takes updates based on their pulled version', async () => {
    const head = await headOf(suite.alice);
    const id = newId();
    await suite.harness.webCreateTask(ALICE, id, { title: 'from the web' });
    const record = byId((await pullAll(suite.alice, 'tasks', head, 100)).records, [id]).get(id);
    expect(record?.fields).toMatchObject({ title: 'from the web', status: 'todo' });
    const ops = new OpSeq();
    const { results } = await suite.alice.push(ops.batch([ops.update(id, { status: 'done' }, record!.version)], { tasks: 'manual' }));
    expect(results[0]).toMatchObject({ status: 'applied', fields: { title: 'from the web', status: 'done' } });
  });

  it('pages through 2,500 records: each exactly once, cursors increasing', async () => {
    const ops = new OpSeq();
    const ids = Array.from({ length: 2500 }, () => newId());
    const wanted = new Set(ids);
    const head = await headOf(suite.alice);
    for (let i = 0; i < ids.length; i += 500) {
      const { results } = await suite.alice.push(ops.batch(ids.slice(i, i + 500).map((id, j) => ops.create(id, taskFields(`t${i + j}`)))));
      expect(results.every((r) => r.status === 'applied')).toBe(true);
    }
    for (const limit of [500, 1000, 5000]) {
      const log = await pullAll(suite.alice, 'tasks', head, limit);
      const mine = log.records.filter((r) => wanted.has(r.recordId));
      expect(mine).toHaveLength(2500);
      expect(new Set(mine.map((r) => r.recordId)).size).toBe(2500);
      expect(log.cursors).toEqual([...new Set(log.cursors)].sort((x, y) => x - y));
      expect(log.pages).toBeGreaterThanOrEqual(Math.ceil(2500 / Math.min(limit, 1000)));
    }
    const empty = await suite.alice.pull({ table: 'tasks', cursor: (await headOf(suite.alice)) + 0, limit: 10 });
    expect(empty).toMatchObject({ changes: [], hasMore: false });
  });

  it('never skips a change while two replicas push concurrently', async () => {
    const head = await headOf(suite.alice);
    const replicas = [new OpSeq(), new OpSeq()];
    const backends = await Promise.all(replicas.map((r) => suite.harness.backend(ALICE, r.clientId)));
    const created: string[] = [];
    const versions: number[] = [];
    let writing = true;
    const follower = (async () => {
      const seen = new Map<string, number>();
      let cursor = head;
      while (writing) {
        const log = await pullAll(suite.alice, 'tasks', cursor, 7);
        for (const r of log.records) seen.set(r.recordId, r.version);
        cursor = log.cursors.at(-1) ?? cursor;
      }
      for (const r of (await pullAll(suite.alice, 'tasks', cursor, 7)).records) seen.set(r.recordId, r.version);
      return seen;
    })();
    await Promise.all(
      replicas.map(async (ops, i) => {
        for (let round = 0; round < 8; round++) {
          const ids = Array.from({ length: 5 }, () => newId());
          created.push(...ids);
          const { results } = await backends[i]!.push(ops.batch(ids.map((id) => ops.create(id, taskFields(`r${i}-${round}`)))));
          versions.push(...results.map(versionOf));
        }
      }),
    );
    writing = false;
    const seen = await follower;
    expect(new Set(versions).size).toBe(versions.length);
    for (const id of created) expect(seen.has(id), `follower missed ${id}`).toBe(true);
    await Promise.all(backends.map((b) => b.close()));
  });
}

function identityCases(suite: Suite, options: ContractOptions): void {
  it.skipIf(options.secondUser === false)('keeps users apart: no pulling or updating another user’s records', async () => {
    const bob = await suite.harness.backend(BOB);
    const ops = new OpSeq();
    const id = newId();
    const created = await suite.alice.push(ops.batch([ops.create(id, taskFields('private'))]));
    const bobOps = new OpSeq();
    const { results } = await bob.push(bobOps.batch([bobOps.update(id, { title: 'stolen' }, versionOf(created.results[0]))]));
    expect(results[0]?.status).toBe('rejected');
    expect(byId((await pullAll(bob, 'tasks', 0, 1000)).records, [id]).size).toBe(0);
    expect(byId((await pullAll(suite.alice, 'tasks', versionOf(created.results[0]) - 1, 1000)).records, [id]).get(id)?.fields.title).toBe(
      'private',
    );
    await bob.close();
  });

  it('refuses a call without a valid token as an auth error', async () => {
    const stranger = await suite.harness.invalidBackend();
    for (const call of [() => stranger.ping(), () => stranger.pull({ table: 'tasks', cursor: 0, limit: 1 })]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ auth: true, retryable: false, offline: false });
    }
    await stranger.close();
  });
}
