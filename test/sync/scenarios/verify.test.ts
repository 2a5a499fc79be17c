import { describe, expect, it } from 'vitest';
import { noteCommand } from '../../../src/commands/note.js';
import { verifyCommand } from '../../../src/commands/verify.js';
import { CHECKSUM_LEAF } from '../../../src/schema/protocol.js';
import type { TableVerdict } from '../../../src/sync/verify.js';
import { runCommand, SCENARIO_BACKENDS, useScenario, type TestReplica } from './harness.js';

interface Verified {
  code: unknown;
  diverged: number;
  tasks: TableVerdict;
  tables: TableVerdict[];
}

async function verify(replica: TestReplica, repair = false): Promise<Verified> {
  const { output, returned } = await runCommand(replica, true, (ctx) => verifyCommand({ repair }, ctx));
  const report = JSON.parse(output) as { diverged: number; tables: TableVerdict[] };
  return { code: returned, diverged: report.diverged, tasks: report.tables.find((t) => t.table === 'tasks')!, tables: report.tables };
}

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('convoy verify finds records that differ from the server, and --repair re-pulls them keeping pending edits', async () => {
    const a = await scenario.replica({ user: 'ver' });
    const web = await scenario.web('ver');
    const ids = Array.from({ length: CHECKSUM_LEAF + 16 }, (_, i) => a.add(`task ${i}`));
    await a.sync();
    const clean = await verify(a);
    expect(clean).toMatchObject({ code: 0, diverged: 0, tasks: { serverCount: ids.length, replicaCount: ids.length, requests: 1 } });

    const [changed, lost, pending, remote, copied] = ids as [string, string, string, string, string];
    const sqlite = a.ctx.replica().sqlite;
    // Damage the replica behind the outbox's back: a changed title, a lost record, a record the server never had.
    sqlite.prepare("UPDATE tasks SET title = 'silently changed' WHERE id = ?").run(changed);
    sqlite.prepare('DELETE FROM tasks WHERE id = ?').run(lost);
    const extra = `${copied.slice(0, 24)}000000000000`;
    sqlite.prepare("INSERT INTO tasks (id, title, description, status, stage, created_at, updated_at, server_version, sync_status) VALUES (?, 'only here', '', 'todo', '', 1, 1, 1, 'synced')").run(extra);
    // Explained differences: a local edit not pushed yet, and a web edit not pulled yet.
    a.update(pending, { stage: 'local, not pushed' });
    await web.updateTask(remote, { title: 'edited on the web' });

    const found = await verify(a);
    expect(found.code).toBe(4);
    expect(found.tasks.diverged).toEqual(
      expect.arrayContaining([
        { recordId: changed, kind: 'different', fields: ['title'] },
        { recordId: lost, kind: 'missing', fields: [] },
        { recordId: extra, kind: 'extra', fields: [] },
      ]),
    );
    expect(found).toMatchObject({ diverged: 3, tasks: { unsynced: 1, behind: 1 } });
    expect(found.tasks.requests).toBeGreaterThan(1);

    const repaired = await verify(a, true);
    expect(repaired).toMatchObject({ code: 0, tasks: { repulled: 2, requeued: 1 } });
    expect(a.task(changed).title).toBe('task 0');
    expect(a.task(lost)).toMatchObject({ title: 'task 1', syncStatus: 'synced' });
    expect(a.task(pending)).toMatchObject({ stage: 'local, not pushed', syncStatus: 'pending' });
    expect(a.outbox().map((op) => JSON.parse(op.fields))).toEqual([{ stage: 'local, not pushed' }, expect.objectContaining({ title: 'only here' })]);

    await a.sync();
    expect(await verify(a)).toMatchObject({ code: 0, diverged: 0, tasks: { unsynced: 0, behind: 0, serverCount: ids.length + 1 } });
    const b = await scenario.replica({ user: 'ver' });
    await b.sync();
    expect(await verify(b)).toMatchObject({ code: 0, diverged: 0, tasks: { replicaCount: ids.length + 1 } });
    expect(b.task(remote).title).toBe('edited on the web');
  });
  it('convoy verify covers the task model\'s tables (tags, blockers, notes) and repairs a damaged member and note', async () => {
    const a = await scenario.replica({ user: 'ver-sets' });
    const blocker = a.add('blocker');
    const task = a.add('tagged', { tag: ['urgent', 'home'], blockedBy: [blocker] });
    await runCommand(a, true, (ctx) => noteCommand(task, ['Called', 'the', 'bank'], {}, ctx, null));
    await a.sync();
    const counts = { tasks: 2, task_tags: 2, task_blockers: 1, task_notes: 1 };
    const clean = await verify(a);
    expect(clean).toMatchObject({ code: 0, diverged: 0 });
    for (const [table, n] of Object.entries(counts)) expect(clean.tables.find((t) => t.table === table)).toMatchObject({ serverCount: n, replicaCount: n, requests: 1 });

    const sqlite = a.ctx.replica().sqlite;
    sqlite.prepare("UPDATE task_tags SET member = 'changed' WHERE owner_id = ? AND member = 'home'").run(task);
    sqlite.prepare("UPDATE task_notes SET text = 'silently changed' WHERE task_id = ?").run(task);
    const found = await verify(a);
    expect(found).toMatchObject({ code: 4, diverged: 2 });
    expect(found.tables.find((t) => t.table === 'task_tags')!.diverged).toEqual([expect.objectContaining({ kind: 'different', fields: ['member'] })]);
    expect(found.tables.find((t) => t.table === 'task_notes')!.diverged).toEqual([expect.objectContaining({ kind: 'different', fields: ['text'] })]);

    expect(await verify(a, true)).toMatchObject({ code: 0 });
    expect(a.task(task).tags).toEqual(['home', 'urgent']);
    expect(await verify(a)).toMatchObject({ code: 0, diverged: 0 });
  });
});
