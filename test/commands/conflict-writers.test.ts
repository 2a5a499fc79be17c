/** `convoy conflicts` and `show` say who wrote each side: the remote writer (name, else user id), and you. */
import { describe, expect, it } from 'vitest';
import { conflictsCommand } from '../../src/commands/conflicts.js';
import { showCommand } from '../../src/commands/show.js';
import { recordConflicts } from '../../src/db/conflicts.js';
import { addTask } from '../../src/db/tasks.js';
import type { FieldConflict } from '../../src/schema/protocol.js';
import { testContext, type TestContext } from '../helpers/replica.js';

function withConflicts(json: boolean): { ctx: TestContext; id: string } {
  const ctx = testContext({ json });
  const task = addTask(ctx.replica(), { title: 'Ship it' }, 1);
  const found: FieldConflict[] = [
    { field: 'title', local: 'Ship it', remote: 'Ship it now', policy: 'local-wins', winner: 'local', remoteWriter: { userId: 'u-bob', name: 'Bob' } },
    { field: 'stage', local: 'draft', remote: 'review', policy: 'manual', winner: 'pending', remoteWriter: { userId: 'ci-bot', name: null } },
    { field: 'description', local: 'a', remote: 'b', policy: 'remote-wins', winner: 'remote', remoteWriter: null },
  ];
  ctx.replica().write((tx) => recordConflicts(tx, { tableName: 'tasks', recordId: task.id }, found, 2));
  return { ctx, id: task.id };
}

describe('conflict writers', () => {
  it('conflicts --json carries remoteWriter ({userId, name} or null)', async () => {
    const { ctx } = withConflicts(true);
    await conflictsCommand({ all: true }, ctx);
    const writers = ctx.reporter.parsed<{ field: string; remoteWriter: unknown }[]>().map((c) => [c.field, c.remoteWriter]);
    expect(writers).toEqual([
      ['title', { userId: 'u-bob', name: 'Bob' }],
      ['stage', { userId: 'ci-bot', name: null }],
      ['description', null],
    ]);
  });

  it('conflicts prints the remote writer by name, else user id, else "-"; the local side is yours', async () => {
    const { ctx } = withConflicts(false);
    await conflictsCommand({ all: true }, ctx);
    const [header, ...rows] = ctx.reporter.stdout[0]!.split('\n');
    expect(header).toMatch(/LOCAL \(you\)\s+REMOTE\s+REMOTE BY\s+POLICY/);
    expect(rows[0]).toMatch(/"Ship it now"\s+Bob\s+local-wins → local/);
    expect(rows[1]).toMatch(/"review"\s+ci-bot\s+manual → pending/);
    expect(rows[2]).toMatch(/"b"\s+-\s+remote-wins → remote/);
  });

  it('show lists the task conflicts with both writers', async () => {
    const { ctx, id } = withConflicts(false);
    await showCommand(id, {}, ctx);
    const text = ctx.reporter.stdout[0]!;
    expect(text).toMatch(/Conflicts \(3\):/);
    expect(text).toContain('title: you "Ship it" · Bob "Ship it now" → kept yours (local-wins)');
    expect(text).toMatch(/stage: you "draft" · ci-bot "review" → waits: convoy resolve \S+ --take local\|remote/);
    expect(text).toContain('description: you "a" · remote "b" → kept theirs (remote-wins)');
    const json = testContext({ json: true, home: ctx.env.CONVOY_HOME });
    await showCommand(id, {}, json);
    expect(json.reporter.parsed<{ conflicts: { remoteWriter: unknown }[] }>().conflicts.map((c) => c.remoteWriter)).toEqual([
      { userId: 'u-bob', name: 'Bob' },
      { userId: 'ci-bot', name: null },
      null,
    ]);
  });
});
