/**
 * Workspaces on the Supabase SQL, through the adapter and supabase-js as a
 * user would reach them: the done-when of issue #16 at the backend level
 * (A creates Team, adds B and C; B writes, C updates, A pulls it; D sees
 * nothing and cannot write), refusals mapped to BackendError.refusal, the
 * per-workspace Realtime topic, and row-level security on the table
 * endpoints (supabase-js `from(table)`) for a non-member. On PGlite and on
 * real PostgreSQL (skipped, saying why, without PostgreSQL binaries or
 * DATABASE_URL).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';
import { createSupabaseBackend } from '../../../../src/sync/backends/supabase/index.js';
import type { Backend } from '../../../../src/sync/backend.js';
import { BackendError, exitCodeFor, ExitCode } from '../../../../src/errors.js';
import { newId, OpSeq, taskFields, versionOf } from '../../../sync/contract-helpers.js';
import { supabaseWebClient } from './web-client.js';
import type { PostgresCluster } from './postgres.js';
import { SUPABASE_TARGETS } from './targets.js';

let server: SupabaseTestServer;
const backends: Backend[] = [];
const clients: SupabaseClient[] = [];

const backendFor = async (user: string) => {
  const backend = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken(user) });
  backends.push(backend);
  return backend;
};
const clientFor = async (user: string) => {
  const token = await server.mintToken(user);
  const client = createClient(server.url, server.anonKey, { accessToken: async () => token, realtime: { transport: ws as never } });
  clients.push(client);
  return client;
};

/** The refusal a rejected call carries ('none' when it resolved). */
async function refusalOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return 'none';
  } catch (error) {
    expect(error).toBeInstanceOf(BackendError);
    return (error as BackendError).refusal;
  }
}


describe.each(SUPABASE_TARGETS)('workspaces on Supabase ($name)', ({ skip, start }) => {
  let cluster: PostgresCluster | null = null;
  beforeAll(async () => {
    if (skip === null) ({ server, cluster } = await start());
  }, 60_000);
  afterAll(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
    await Promise.all(clients.splice(0).map((c) => c.removeAllChannels()));
    await server?.close();
    await cluster?.stop();
  });
  const it = skip === null ? test : test.skip;

  it('A creates Team and adds B and C; B writes, C updates, A pulls it; D sees nothing and cannot write', async () => {
    const [a, b, c, d] = await Promise.all(['ws-a', 'ws-b', 'ws-c', 'ws-d'].map(backendFor));
    const team = await a!.createWorkspace('Team');
    expect(team).toMatchObject({ name: 'Team', role: 'owner', personal: false });
    await a!.addMember(team.id, server.userId('ws-b'), 'member');
    const members = await a!.addMember(team.id, server.userId('ws-c'), 'member');
    expect(members.map((m) => m.userId).sort()).toEqual([server.userId('ws-a'), server.userId('ws-b'), server.userId('ws-c')].sort());
    expect(members.find((m) => m.userId === server.userId('ws-a'))).toMatchObject({ role: 'owner', name: 'ws-a@example.test' });

    const listed = await b!.listWorkspaces();
    expect(listed).toEqual({
      user: { userId: server.userId('ws-b'), name: 'ws-b@example.test' },
      workspaces: [
        { id: server.userId('ws-b'), name: 'personal', role: 'owner', personal: true },
        { id: team.id, name: 'Team', role: 'member', personal: false },
      ],
    });

    const id = newId();
    const [opsB, opsC] = [new OpSeq(), new OpSeq()];
    const created = await b!.push({ ...opsB.batch([opsB.create(id, taskFields('shared'))]), workspace: team.id });
    expect(created.results[0]).toMatchObject({ status: 'applied' });
    const done = await c!.push({ ...opsC.batch([opsC.update(id, { status: 'done' }, versionOf(created.results[0]))]), workspace: team.id });
    expect(done.results[0]).toMatchObject({ status: 'applied' });

    const page = await a!.pullAll({ workspace: team.id, cursors: { tasks: 0 }, limit: 100 });
    expect(page.tables.tasks!.changes).toEqual([expect.objectContaining({ recordId: id, fields: expect.objectContaining({ status: 'done' }) })]);
    expect(page.workspaces?.workspaces.map((w) => w.name)).toEqual(['personal', 'Team']);
    // Nothing leaked into anyone's personal workspace.
    expect((await a!.pullAll({ cursors: { tasks: 0 }, limit: 100 })).tables.tasks!.changes).toEqual([]);

    const opsD = new OpSeq();
    const refusals = await Promise.all([
      refusalOf(d!.push({ ...opsD.batch([opsD.update(id, { title: 'mine' }, null)]), workspace: team.id })),
      refusalOf(d!.pull({ workspace: team.id, table: 'tasks', cursor: 0, limit: 10 })),
      refusalOf(d!.pullAll({ workspace: team.id, cursors: { tasks: 0 }, limit: 10 })),
      refusalOf(d!.checksum({ workspace: team.id, table: 'tasks', suffix: '' })),
      refusalOf(d!.listMembers(team.id)),
      refusalOf(d!.addMember(team.id, server.userId('ws-d'), 'owner')),
    ]);
    expect(refusals).toEqual(Array(6).fill('forbidden'));
    const error = await d!.pullAll({ workspace: team.id, cursors: { tasks: 0 }, limit: 10 }).catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(ExitCode.denied);
    expect(String(error)).toContain(`not a member of workspace ${team.id}`);
    expect((await d!.listWorkspaces()).workspaces.map((w) => w.name)).toEqual(['personal']);

    const clientD = await clientFor('ws-d');
    const head = await clientD.rpc('convoy_head', { p_workspace: team.id });
    expect(head.error).toMatchObject({ code: '42501' });
    const web = supabaseWebClient(server.url, server.anonKey, await server.mintToken('ws-d'));
    await expect(web.create('tasks', newId(), { ...taskFields('in') }, team.id)).rejects.toMatchObject({ code: '42501' });
    await expect(web.update('tasks', id, { title: 'web' }, team.id)).rejects.toMatchObject({ code: '42501' });
  });

  it('keeps a non-member out of the table endpoints: no rows read, none inserted or updated', async () => {
    const a = await backendFor('tab-a');
    const team = await a.createWorkspace('Tables');
    const ops = new OpSeq();
    const id = newId();
    await a.push({ ...ops.batch([ops.create(id, taskFields('private to Tables'))]), workspace: team.id });
    const outsider = await clientFor('tab-d');
    const read = await outsider.from('tasks').select('record_id, title').eq('workspace_id', team.id);
    expect(read).toMatchObject({ error: null, data: [] });
    const inserted = await outsider.from('tasks').insert({ workspace_id: team.id, record_id: newId(), title: 'planted' });
    expect(inserted.error).toMatchObject({ code: '42501' });
    const updated = await outsider.from('tasks').update({ title: 'stolen' }).eq('record_id', id).select();
    expect(updated).toMatchObject({ error: null, data: [] });
    const owner = await clientFor('tab-a');
    const own = await owner.from('tasks').select('record_id, title').eq('workspace_id', team.id);
    expect(own.data).toEqual([{ record_id: id, title: 'private to Tables' }]);
    // A member writes through the table endpoint too, versioned like a push.
    await a.addMember(team.id, server.userId('tab-b'), 'member');
    const member = await clientFor('tab-b');
    const edit = await member.from('tasks').update({ stage: 'by table' }).eq('record_id', id).select('stage, version');
    expect(edit.error).toBeNull();
    expect(edit.data).toEqual([{ stage: 'by table', version: 2 }]);
  });

  it('refuses what the rules refuse: names, sharing the personal workspace, non-owners, the last owner', async () => {
    const [a, b] = await Promise.all(['rule-a', 'rule-b'].map(backendFor));
    const team = await a!.createWorkspace('Rules');
    expect(await refusalOf(a!.createWorkspace('Rules'))).toBe('exists');
    expect(await refusalOf(a!.createWorkspace('personal'))).toBe('invalid');
    expect(await refusalOf(a!.createWorkspace('   '))).toBe('invalid');
    expect(await refusalOf(a!.createWorkspace('x'.repeat(101)))).toBe('invalid');
    expect(await refusalOf(b!.createWorkspace('Rules'))).toBe('none');
    const personal = server.userId('rule-a');
    expect(await refusalOf(a!.addMember(personal, server.userId('rule-b'), 'member'))).toBe('invalid');
    expect(await refusalOf(a!.addMember(team.id, 'not-a-user', 'member'))).toBe('invalid');
    await a!.addMember(team.id, server.userId('rule-b'), 'member');
    expect(await refusalOf(b!.addMember(team.id, server.userId('rule-c'), 'member'))).toBe('forbidden');
    expect(await refusalOf(b!.removeMember(team.id, personal))).toBe('forbidden');
    expect(await refusalOf(a!.removeMember(team.id, personal))).toBe('invalid');
    expect(await refusalOf(a!.addMember(team.id, personal, 'member'))).toBe('invalid');
    // Idempotent: adding again changes nothing.
    const again = await a!.addMember(team.id, server.userId('rule-b'), 'member');
    expect(again).toHaveLength(2);
    // B leaves: nothing more of Team for B.
    expect(await b!.removeMember(team.id, server.userId('rule-b'))).toEqual([]);
    expect(await refusalOf(b!.pullAll({ workspace: team.id, cursors: { tasks: 0 }, limit: 1 }))).toBe('forbidden');
    // Another owner first, then A may leave.
    await a!.addMember(team.id, server.userId('rule-c'), 'owner');
    expect(await a!.removeMember(team.id, personal)).toEqual([]);
  });

  it('names the teammate who wrote the remote side of a conflict (null for a web write)', async () => {
    const [a, b] = await Promise.all(['who-a', 'who-b'].map(backendFor));
    const team = await a!.createWorkspace('Who');
    await a!.addMember(team.id, server.userId('who-b'), 'member');
    const [opsA, opsB] = [new OpSeq(), new OpSeq()];
    const id = newId();
    const base = versionOf((await a!.push({ ...opsA.batch([opsA.create(id, taskFields('base'))]), workspace: team.id })).results[0]);
    await a!.push({ ...opsA.batch([opsA.update(id, { title: 'by A' }, base)]), workspace: team.id });
    const web = supabaseWebClient(server.url, server.anonKey, await server.mintToken('who-a'));
    await web.update('tasks', id, { stage: 'by the web' }, team.id);
    const answer = await b!.push({ ...opsB.batch([opsB.update(id, { title: 'by B', stage: 'by B' }, base)]), workspace: team.id });
    expect(answer.results[0]).toMatchObject({
      status: 'conflict',
      conflicts: [
        { field: 'title', remote: 'by A', remoteWriter: { userId: server.userId('who-a'), name: 'who-a@example.test' } },
        { field: 'stage', remote: 'by the web', remoteWriter: null },
      ],
    });
  });

  it('counts versions and keeps push results per workspace', async () => {
    const a = await backendFor('count-a');
    const team = await a.createWorkspace('Counters');
    const ops = new OpSeq();
    const batch = ops.batch([ops.create(newId(), taskFields('one')), ops.create(newId(), taskFields('two'))]);
    const inTeam = await a.push({ ...batch, workspace: team.id });
    expect(inTeam.results.map(versionOf)).toEqual([1, 2]);
    // The same client and seqs in the personal workspace are new there, not replays.
    const personal = await a.push(batch);
    expect(personal.results.map(versionOf)).toEqual([1, 2]);
    expect(await a.push({ ...batch, workspace: team.id })).toEqual(inTeam);
  });
});
