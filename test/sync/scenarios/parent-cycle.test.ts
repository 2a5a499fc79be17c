import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../../src/commands/export.js';
import { listCommand } from '../../../src/commands/list.js';
import { showCommand } from '../../../src/commands/show.js';
import { statusCommand } from '../../../src/commands/status.js';
import { undoCommand } from '../../../src/commands/undo.js';
import { runCommand, SCENARIO_BACKENDS, useScenario, type TestReplica } from './harness.js';

const run = async (replica: TestReplica, json: boolean, command: (ctx: TestReplica['ctx']) => Promise<unknown>) => (await runCommand(replica, json, command)).output;

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('offline edits that merge into a parent cycle (A under B, B under A) are shown by status and show; no view loops', async () => {
    const a = await scenario.replica({ user: 'cyc' });
    const b = await scenario.replica({ user: 'cyc' });
    const taskA = a.add('task A');
    const taskB = a.add('task B');
    await a.sync();
    await b.sync();
    // Each replica's edit is fine on its own (the CLI refuses a local cycle).
    a.update(taskA, { parent: taskB });
    b.update(taskB, { parent: taskA });
    await a.sync();
    await b.sync();
    await a.sync();
    const ring = [taskA, taskB].sort();
    for (const replica of [a, b]) {
      expect(replica.task(taskA).parentId).toBe(taskB);
      expect(replica.task(taskB).parentId).toBe(taskA);
      const status = JSON.parse(await run(replica, true, (ctx) => statusCommand({}, ctx)));
      expect(status.cycles).toEqual([{ table: 'tasks', field: 'parentId', ids: ring }]);
      expect(await run(replica, false, (ctx) => statusCommand({}, ctx))).toMatch(/warning: parent cycle (\w+) -> \w+ -> \1 \(merged from offline edits\); break it with: convoy update \1 --parent ""/);
      expect(JSON.parse(await run(replica, true, (ctx) => showCommand(taskA, {}, ctx))).cycles).toHaveLength(1);
      expect(await run(replica, false, (ctx) => showCommand(taskB, {}, ctx))).toMatch(/warning: parent cycle/);
      expect(JSON.parse(await run(replica, true, (ctx) => listCommand({ json: true }, ctx)))).toHaveLength(2);
      const lines = (await run(replica, false, (ctx) => exportCommand({}, ctx))).split('\n').filter((l) => l.includes('"task'));
      expect(lines).toHaveLength(2);
    }
    // Undo on b takes back its own (pushed) edit: that breaks the cycle, and the warning goes once synced.
    await run(b, true, (ctx) => undoCommand({}, ctx));
    await b.sync();
    await a.sync();
    for (const replica of [a, b]) {
      expect(replica.task(taskB).parentId).toBeNull();
      expect(JSON.parse(await run(replica, true, (ctx) => statusCommand({}, ctx))).cycles).toEqual([]);
    }
  });
});
