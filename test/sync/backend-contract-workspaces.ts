/**
 * The backend contract's workspace cases (issue #16): creating, listing and
 * sharing workspaces, and what members and outsiders may do with a shared
 * workspace's records. Four users: A (alice) owns Team, B (bob) and C (carol,
 * a CI service user) join it, D (dave) never does. User ids are what the
 * server says (`listWorkspaces().user.userId`), so a real deployment's
 * subjects work too; workspace names carry a fresh suffix per run.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { BackendError } from '../../src/errors.js';
import type { OpResult, WorkspaceId } from '../../src/schema/protocol.js';
import type { Backend } from '../../src/sync/backend.js';
import type { Harness } from './backend-contract.js';
import { byId, newId, OpSeq, pullAll, taskFields, versionOf } from './contract-helpers.js';

export const WORKSPACE_USERS = { a: 'alice', b: 'bob', c: 'carol', d: 'dave' } as const;

interface Suite {
  harness: Harness;
  alice: Backend;
}

interface People {
  a: Backend;
  b: Backend;
  c: Backend;
  d: Backend;
  /** Each one's user id, as the server knows them. */
  id: { a: string; b: string; c: string; d: string };
}

/** The refusal a call ended in (fails when it resolved). */
async function refusalOf(call: Promise<unknown>): Promise<BackendError> {
  const error = await call.then(
    () => new Error('expected the call to be refused, but it succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

async function expectRefused(call: Promise<unknown>, refusal: string, message?: RegExp): Promise<void> {
  const error = await refusalOf(call);
  expect(error).toMatchObject({ refusal, retryable: false, offline: false, auth: false });
  if (message !== undefined) expect(error.message).toMatch(message);
}

const unique = (name: string) => `${name} ${randomUUID().slice(0, 8)}`;
const headIn = async (backend: Backend, workspace?: WorkspaceId) =>
  (await backend.pull({ ...(workspace === undefined ? {} : { workspace }), table: 'tasks', cursor: 0, limit: 1 })).headVersion;

/** Pull every task of `workspace` above `cursor` (all pages). */
async function tasksIn(backend: Backend, workspace: WorkspaceId, cursor = 0) {
  const records = [];
  for (;;) {
    const page = await backend.pull({ workspace, table: 'tasks', cursor, limit: 1000 });
    records.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return records;
  }
}

export function workspaceCases(suite: Suite): void {
  const people = {} as People;
  beforeAll(async () => {
    people.a = suite.alice;
    for (const k of ['b', 'c', 'd'] as const) people[k] = await suite.harness.backend(WORKSPACE_USERS[k]);
    const ids = await Promise.all((['a', 'b', 'c', 'd'] as const).map(async (k) => [k, (await people[k].listWorkspaces()).user.userId] as const));
    people.id = Object.fromEntries(ids) as People['id'];
    return async () => {
      for (const k of ['b', 'c', 'd'] as const) await people[k].close();
    };
  });

  /** A fresh workspace owned by A, with `members` added as members. */
  async function team(...members: Array<'b' | 'c' | 'd'>): Promise<WorkspaceId> {
    const created = await people.a.createWorkspace(unique('Team'));
    for (const m of members) await people.a.addMember(created.id, people.id[m], 'member');
    return created.id;
  }

  it('lists the personal workspace first, then the shared ones by name', async () => {
    const before = await people.a.listWorkspaces();
    expect(before.workspaces[0]).toEqual({ id: before.user.userId, name: 'personal', role: 'owner', personal: true });
    const suffix = randomUUID().slice(0, 8);
    const zulu = await people.a.createWorkspace(`Zulu ${suffix}`);
    const alpha = await people.a.createWorkspace(`Alpha ${suffix}`);
    expect(alpha).toMatchObject({ name: `Alpha ${suffix}`, role: 'owner', personal: false });
    expect(alpha.id).not.toBe(zulu.id);
    expect(alpha.id).not.toBe(before.user.userId);
    const after = await people.a.listWorkspaces();
    expect(after.workspaces[0]?.personal).toBe(true);
    const names = after.workspaces.map((w) => w.name);
    expect(names.indexOf(`Alpha ${suffix}`)).toBeGreaterThan(0);
    expect(names.indexOf(`Alpha ${suffix}`)).toBeLessThan(names.indexOf(`Zulu ${suffix}`));
    expect(after.workspaces.filter((w) => w.personal)).toHaveLength(1);
    // B belongs to neither.
    expect((await people.b.listWorkspaces()).workspaces.map((w) => w.id)).not.toContain(alpha.id);
  });

  it('refuses a name the creator already has (any case) as exists, and bad names as invalid', async () => {
    const name = unique('Dup');
    await people.a.createWorkspace(name);
    await expectRefused(people.a.createWorkspace(name), 'exists', /already have a workspace named/);
    await expectRefused(people.a.createWorkspace(name.toUpperCase()), 'exists');
    // Another user may take the same name.
    expect(await people.b.createWorkspace(name)).toMatchObject({ name, role: 'owner' });
    for (const bad of ['', '   ', 'personal', 'Personal', 'x'.repeat(101), 'a\u202Eb', '\u200b\u2060', 'two\nlines']) {
      await expectRefused(people.a.createWorkspace(bad), 'invalid', /name/);
    }
    expect(await people.a.createWorkspace(unique('x'.repeat(91)))).toMatchObject({ personal: false });
  });

  it('lets an owner add members (idempotent, role changes) and lists them by user id; others are refused', async () => {
    const id = await team();
    const byUser = (rows: Array<{ userId: string; role: string }>) => rows.map((m) => [m.userId, m.role]);
    const members = await people.a.addMember(id, people.id.b, 'member');
    const expected = [
      [people.id.a, 'owner'],
      [people.id.b, 'member'],
    ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
    expect(byUser(members)).toEqual(expected);
    expect(byUser(await people.a.addMember(id, people.id.b, 'member'))).toEqual(expected);
    expect(byUser(await people.b.listMembers(id))).toEqual(expected);
    await expectRefused(people.b.addMember(id, people.id.d, 'member'), 'forbidden');
    await expectRefused(people.d.listMembers(id), 'forbidden', /not a member of workspace/);
    await expectRefused(people.d.addMember(id, people.id.d, 'owner'), 'forbidden');
    const promoted = await people.a.addMember(id, people.id.c, 'owner');
    expect(promoted.find((m) => m.userId === people.id.c)?.role).toBe('owner');
    const demoted = await people.a.addMember(id, people.id.c, 'member');
    expect(demoted.find((m) => m.userId === people.id.c)?.role).toBe('member');
    expect((await people.c.listWorkspaces()).workspaces.find((w) => w.id === id)).toMatchObject({ role: 'member', personal: false });
  });

  it('refuses sharing a personal workspace', async () => {
    const personal = (await people.a.listWorkspaces()).user.userId;
    await expectRefused(people.a.addMember(personal, people.id.b, 'member'), 'invalid', /personal workspace cannot be shared/);
    expect(await people.a.listMembers(personal)).toEqual([expect.objectContaining({ userId: personal, role: 'owner' })]);
    await expectRefused(people.b.listMembers(personal), 'forbidden');
  });

  it('lets members read and write the workspace: each sees the others’ pushes and web edits', async () => {
    const id = await team('b', 'c');
    const [bOps, aOps] = [new OpSeq(), new OpSeq()];
    const task = newId();
    const created = await people.b.push({ ...bOps.batch([bOps.create(task, taskFields('shared'))]), workspace: id });
    expect(created.results[0]).toMatchObject({ status: 'applied' });
    expect(byId(await tasksIn(people.a, id), [task]).get(task)?.fields.title).toBe('shared');
    const updated = await people.a.push({ ...aOps.batch([aOps.update(task, { stage: 'review' }, versionOf(created.results[0]))]), workspace: id });
    expect(updated.results[0]).toMatchObject({ status: 'applied', fields: { title: 'shared', stage: 'review' } });
    await suite.harness.webUpdateTask(WORKSPACE_USERS.c, task, { status: 'done' }, id);
    for (const who of [people.a, people.b, people.c]) {
      expect(byId(await tasksIn(who, id), [task]).get(task)?.fields).toMatchObject({ title: 'shared', stage: 'review', status: 'done' });
    }
    const webTask = newId();
    await suite.harness.webCreateTask(WORKSPACE_USERS.c, webTask, { title: 'from CI' }, id);
    expect(byId(await tasksIn(people.b, id), [webTask]).get(webTask)?.fields.title).toBe('from CI');
    // Not in anyone's personal workspace.
    for (const who of [people.a, people.b]) expect(byId((await pullAll(who, 'tasks', 0, 1000)).records, [task, webTask]).size).toBe(0);
  });

  it('refuses an outsider every read and write of the workspace, applying nothing', async () => {
    const id = await team('b');
    const ops = new OpSeq();
    const task = newId();
    const created = await people.a.push({ ...ops.batch([ops.create(task, taskFields('members only'))]), workspace: id });
    const head = await headIn(people.a, id);
    const dOps = new OpSeq();
    const not = /not a member of workspace/;
    await expectRefused(people.d.push({ ...dOps.batch([dOps.create(newId(), taskFields('intruder'))]), workspace: id }), 'forbidden', not);
    await expectRefused(
      people.d.push({ ...dOps.batch([dOps.update(task, { title: 'stolen' }, versionOf(created.results[0]))]), workspace: id }),
      'forbidden',
      not,
    );
    await expectRefused(people.d.pull({ workspace: id, table: 'tasks', cursor: 0, limit: 10 }), 'forbidden', not);
    await expectRefused(people.d.pullAll({ workspace: id, cursors: { tasks: 0 }, limit: 10 }), 'forbidden', not);
    await expectRefused(people.d.checksum({ workspace: id, table: 'tasks', suffix: '' }), 'forbidden', not);
    await expect(suite.harness.webCreateTask(WORKSPACE_USERS.d, newId(), { title: 'web intruder' }, id)).rejects.toThrow(/not a member|forbidden/);
    await expect(suite.harness.webUpdateTask(WORKSPACE_USERS.d, task, { title: 'web stolen' }, id)).rejects.toThrow(/not a member|forbidden/);
    expect(await headIn(people.a, id)).toBe(head);
    const records = await tasksIn(people.a, id);
    expect(records.map((r) => r.fields.title)).toEqual(['members only']);
    expect((await people.d.listWorkspaces()).workspaces.map((w) => w.id)).not.toContain(id);
  });

  it('keeps a change counter and push bookkeeping per workspace', async () => {
    const [one, two] = [await team('b'), await team('b')];
    const personalHead = await headIn(people.b);
    expect(await headIn(people.b, one)).toBe(0);
    // One replica (one client id), the same sequence numbers in each workspace: both applied.
    const ops = new OpSeq();
    const batch = ops.batch([ops.create(newId(), taskFields('first')), ops.create(newId(), taskFields('second'))]);
    const inOne = await people.b.push({ ...batch, workspace: one });
    const inTwo = await people.b.push({ ...batch, ops: batch.ops.map((op) => ({ ...op, recordId: newId() })), workspace: two });
    expect(inOne.results.map((r) => [r.status, versionOf(r)])).toEqual([
      ['applied', 1],
      ['applied', 2],
    ]);
    expect(inTwo.results.map((r) => [r.status, versionOf(r)])).toEqual([
      ['applied', 1],
      ['applied', 2],
    ]);
    // Replayed: the same answers, nothing applied twice.
    expect((await people.b.push({ ...batch, workspace: one })).results).toEqual(inOne.results);
    expect(await headIn(people.b, one)).toBe(2);
    expect(await headIn(people.a, two)).toBe(2);
    expect(await headIn(people.b)).toBe(personalHead);
    // The same record id may live in two workspaces.
    const shared = newId();
    const next = new OpSeq();
    for (const w of [one, two]) {
      const { results } = await people.b.push({ ...next.batch([next.create(shared, taskFields(`in ${w}`))]), workspace: w });
      expect(results[0]).toMatchObject({ status: 'applied', fields: { title: `in ${w}` } });
    }
  });

  it('answers every combined pull with the caller’s workspace list', async () => {
    const id = await team('c');
    const page = await people.c.pullAll({ workspace: id, cursors: { tasks: 0 }, limit: 10 });
    expect(page.workspaces?.user.userId).toBe(people.id.c);
    expect(page.workspaces?.workspaces[0]).toMatchObject({ id: people.id.c, personal: true });
    expect(page.workspaces?.workspaces.find((w) => w.id === id)).toMatchObject({ role: 'member', personal: false });
    const personal = await people.c.pullAll({ cursors: { tasks: 0 }, limit: 1 });
    expect(personal.workspaces?.workspaces.map((w) => w.id)).toContain(id);
    await people.a.removeMember(id, people.id.c);
    const after = await people.c.pullAll({ cursors: { tasks: 0 }, limit: 1 });
    expect(after.workspaces?.workspaces.map((w) => w.id)).not.toContain(id);
  });

  it('refuses a removed member’s pushes and pulls; members leave, only owners remove others', async () => {
    const id = await team('b', 'c');
    const ops = new OpSeq();
    await people.b.push({ ...ops.batch([ops.create(newId(), taskFields('before removal'))]), workspace: id });
    await expectRefused(people.c.removeMember(id, people.id.b), 'forbidden');
    const left = await people.a.removeMember(id, people.id.b);
    expect(left.map((m) => m.userId).sort()).toEqual([people.id.a, people.id.c].sort());
    const head = await headIn(people.a, id);
    await expectRefused(people.b.push({ ...ops.batch([ops.create(newId(), taskFields('after removal'))]), workspace: id }), 'forbidden');
    await expectRefused(people.b.pull({ workspace: id, table: 'tasks', cursor: 0, limit: 1 }), 'forbidden');
    expect(await headIn(people.a, id)).toBe(head);
    // Idempotent: removing again, and leaving twice.
    expect((await people.a.removeMember(id, people.id.b)).map((m) => m.userId)).not.toContain(people.id.b);
    expect(await people.c.removeMember(id, people.id.c)).toEqual([]);
    expect(await people.c.removeMember(id, people.id.c)).toEqual([]);
    expect((await people.a.listMembers(id)).map((m) => m.userId)).toEqual([people.id.a]);
  });

  it('never leaves a workspace without an owner', async () => {
    const id = await team('b');
    const lastOwner = /would have no owner; make another member an owner first/;
    await expectRefused(people.a.removeMember(id, people.id.a), 'invalid', lastOwner);
    await expectRefused(people.a.addMember(id, people.id.a, 'member'), 'invalid', lastOwner);
    await people.a.addMember(id, people.id.b, 'owner');
    expect(await people.a.removeMember(id, people.id.a)).toEqual([]);
    await expectRefused(people.b.removeMember(id, people.id.b), 'invalid', lastOwner);
    expect(await people.b.listMembers(id)).toEqual([expect.objectContaining({ userId: people.id.b, role: 'owner' })]);
    await expectRefused(people.a.listMembers(id), 'forbidden');
  });

  it('names the user who wrote the remote side of a conflict (null for a web write)', async () => {
    const id = await team('b', 'c');
    const [bOps, cOps] = [new OpSeq(), new OpSeq()];
    const task = newId();
    const created = await people.b.push({ ...bOps.batch([bOps.create(task, taskFields('draft'))]), workspace: id });
    const base = versionOf(created.results[0]);
    await people.c.push({ ...cOps.batch([cOps.update(task, { title: 'from CI' }, base)]), workspace: id });
    await suite.harness.webUpdateTask(WORKSPACE_USERS.a, task, { stage: 'from the web' }, id);
    const { results } = await people.b.push({
      ...bOps.batch([bOps.update(task, { title: 'from B', stage: 'from B' }, base)], { tasks: 'remote-wins' }),
      workspace: id,
    });
    expect(results[0]).toMatchObject({ status: 'conflict' });
    const conflicts = Object.fromEntries((results[0] as Extract<OpResult, { status: 'conflict' }>).conflicts.map((c) => [c.field, c]));
    expect(conflicts.title).toMatchObject({ remote: 'from CI', remoteWriter: { userId: people.id.c } });
    expect(conflicts.stage).toMatchObject({ remote: 'from the web', remoteWriter: null });
  });

  it('tells a member’s live feed when the workspace moves', async () => {
    const id = await team('b');
    const heads: number[] = [];
    const stop = people.b.subscribe!((head) => heads.push(head), id);
    try {
      // The feed may take a moment to open: keep writing until it reports a write.
      const ops = new OpSeq();
      const deadline = Date.now() + 15_000;
      while (!heads.some((h) => h >= 1)) {
        if (Date.now() > deadline) throw new Error(`no head from the workspace feed within 15 s (saw ${JSON.stringify(heads)})`);
        await people.a.push({ ...ops.batch([ops.create(newId(), taskFields('live'))]), workspace: id });
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stop();
    }
    // An outsider's feed of the workspace hears nothing of it.
    const outsider: number[] = [];
    const stopOutsider = people.d.subscribe!((head) => outsider.push(head), id);
    const ops = new OpSeq();
    await people.a.push({ ...ops.batch([ops.create(newId(), taskFields('unheard'))]), workspace: id });
    await new Promise((r) => setTimeout(r, 300));
    stopOutsider();
    expect(outsider.filter((h) => h >= 1)).toEqual([]);
  });
}
