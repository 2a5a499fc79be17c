/**
 * Two teammates and a CI user edit the same Team tasks offline: different
 * fields merge, tags union, the same field settles by the table's policy, and
 * after everyone syncs twice all three replicas and a fresh one agree. The
 * conflict names who wrote the other side.
 */
import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../../src/db/conflicts.js';
import { SCENARIO_BACKENDS, useScenario, type TestReplica } from './harness.js';
import { createTeam, userIdOf } from './team.js';

const state = (r: TestReplica, ids: string[]) => ids.map((id) => {
  const t = r.task(id);
  return { title: t.title, status: t.status, priority: t.priority, tags: t.tags, stage: t.stage };
});

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('three users editing the same tasks offline converge', async () => {
    const [a, b, c] = [await scenario.replica({ user: 'amy' }), await scenario.replica({ user: 'bo' }), await scenario.replica({ user: 'ci' })];
    const team = await createTeam(a, 'Team', [b, c]);
    const ids = [a.add('Triage bug 1', { workspace: team }), a.add('Triage bug 2', { workspace: team })];
    await a.sync();
    await b.sync();
    await c.sync();

    a.update(ids[0]!, { title: 'Triage bug 1 (amy)', tag: ['ui'] });
    b.update(ids[0]!, { title: 'Triage bug 1 (bo)', priority: 'H', tag: ['backend'] });
    c.update(ids[0]!, { status: 'in_progress' });
    b.update(ids[1]!, { stage: 'review' });
    c.update(ids[1]!, { status: 'done' });
    for (const r of [b, c, a, b, c, a]) await r.sync();

    const expected = state(a, ids);
    expect(expected[0]).toMatchObject({ priority: 'H', status: 'in_progress', tags: ['backend', 'ui'] });
    expect(expected[1]).toMatchObject({ stage: 'review', status: 'done' });
    expect(state(b, ids)).toEqual(expected);
    expect(state(c, ids)).toEqual(expected);
    const fresh = await scenario.replica({ user: 'bo' });
    await fresh.sync();
    expect(state(fresh, ids)).toEqual(expected);

    // A pushed last on the title: the conflict it saw names B, who wrote the server's side.
    const seen = listConflicts(a.ctx.replica(), { all: true }).filter((x) => x.field === 'title');
    expect(seen.map((x) => x.remoteWriterId)).toEqual([await userIdOf(b)]);
  });
});
