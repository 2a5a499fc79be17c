/**
 * A blocked-by cycle that only merging closes (each replica adds one link offline) syncs without hanging, every task stays readable, and show and status report it until a link is removed.
 */
import { describe, expect, it } from 'vitest';
import { showCommand } from '../../../src/commands/show.js';
import { setCycles } from '../../../src/db/task-cycles.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

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
    for (const r of [a, b]) {
      expect(r.task(one)).toMatchObject({ blockedBy: [two], blocked: true });
      expect(r.task(two)).toMatchObject({ blockedBy: [one], blocked: true });
      expect(setCycles(r.ctx.replica()).map((c) => c.ids.length)).toEqual([3]);
    }
    await showCommand(one, {}, a.ctx);
    expect(a.ctx.reporter.parsed<{ warnings: string[] }>().warnings).toEqual([expect.stringMatching(/^blockedBy cycle \(merged from two replicas\): \w+ → \w+ → \w+$/)]);
    // Finishing one task unblocks the other; the cycle stays reported until a link is removed.
    a.update(two, { status: 'done' });
    expect(a.task(one).blocked).toBe(false);
    a.update(one, { unblock: [two] });
    expect(setCycles(a.ctx.replica())).toEqual([]);
  });
});
