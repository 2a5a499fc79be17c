/**
 * A blocked-by cycle that only merging closes (each replica adds one link offline) syncs without hanging, every task stays readable, and show and status report it until a link is removed.
 */
import { describe, expect, it } from 'vitest';
import { showCommand } from '../../../src/commands/show.js';
import { statusCommand } from '../../../src/commands/status.js';
import { runCommand, SCENARIO_BACKENDS, useScenario, type TestReplica } from './harness.js';

const run = async (replica: TestReplica, json: boolean, command: (ctx: TestReplica['ctx']) => Promise<unknown>) => (await runCommand(replica, json, command)).output;

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('a blocked-by cycle closed by two replicas offline merges without hanging and is reported by status and show', async () => {
    const a = await scenario.replica({ user: 'eve' });
    const b = await scenario.replica({ user: 'eve' });
    const one = a.add('one');
    const two = a.add('two');
    await a.sync();
    await b.sync();
    a.update(one, { blockedBy: [two] });
    b.update(two, { blockedBy: [one] });
    await a.sync();
    await b.sync();
    await a.sync();
    const ring = [one, two].sort();
    for (const r of [a, b]) {
      expect(r.task(one)).toMatchObject({ blockedBy: [two], blocked: true });
      expect(r.task(two)).toMatchObject({ blockedBy: [one], blocked: true });
      expect(JSON.parse(await run(r, true, (ctx) => statusCommand({}, ctx))).cycles).toEqual([{ table: 'tasks', field: 'blockedBy', ids: ring }]);
      expect(JSON.parse(await run(r, true, (ctx) => showCommand(one, {}, ctx))).cycles).toEqual([{ table: 'tasks', field: 'blockedBy', ids: ring }]);
    }
    // The warning names the loop and the option that breaks it (the first task's link to the next).
    expect(await run(a, false, (ctx) => statusCommand({}, ctx))).toMatch(/warning: blocked-by cycle (\w+) -> (\w+) -> \1 \(merged from offline edits\); break it with: convoy update \1 --unblock \2/);
    expect(await run(a, false, (ctx) => showCommand(two, {}, ctx))).toMatch(/warning: blocked-by cycle .*--unblock \w+/);
    // Finishing one task unblocks the other; the cycle stays reported until a link is removed.
    a.update(two, { status: 'done' });
    expect(a.task(one).blocked).toBe(false);
    expect(JSON.parse(await run(a, true, (ctx) => statusCommand({}, ctx))).cycles).toHaveLength(1);
    a.update(one, { unblock: [two] });
    expect(JSON.parse(await run(a, true, (ctx) => statusCommand({}, ctx))).cycles).toEqual([]);
    expect(JSON.parse(await run(a, true, (ctx) => showCommand(one, {}, ctx))).cycles).toEqual([]);
    // Synced, the other replica stops reporting it too.
    await a.sync();
    await b.sync();
    expect(JSON.parse(await run(b, true, (ctx) => statusCommand({}, ctx))).cycles).toEqual([]);
  });
});
