/**
 * The story on every backend: A creates workspace Team and adds B and
 * a CI user C; B adds a task in Team; C marks it done; A sees it done after a
 * sync. D, no member, pulls nothing of Team and is refused when writing to it
 * (nothing applied). A's personal tasks stay A's alone.
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/errors.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';
import { createTeam } from './team.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it("B's task in Team, done by the CI user, reaches A; D sees and writes nothing", async () => {
    const [a, b, c, d] = [await scenario.replica({ user: 'ann' }), await scenario.replica({ user: 'ben' }), await scenario.replica({ user: 'ci-bot' }), await scenario.replica({ user: 'dan' })];
    const mine = a.add('A personal errand');
    const team = await createTeam(a, 'Team', [b, c]);

    const id = b.add('Ship the release notes', { workspace: team });
    await b.sync();
    await c.sync();
    expect(c.task(id)).toMatchObject({ title: 'Ship the release notes', workspaceId: team });
    c.update(id, { status: 'done' });
    await c.sync();
    await a.sync();
    expect(a.task(id)).toMatchObject({ status: 'done', syncStatus: 'synced', workspaceId: team });
    // Personal stays personal: B and C never see A's errand.
    await b.sync();
    expect(b.tasks().map((t) => t.id)).not.toContain(mine);
    expect(c.tasks().map((t) => t.id)).not.toContain(mine);

    await d.sync();
    expect(d.tasks()).toEqual([]);
    const backend = await d.ctx.backend();
    const refused = await backend
      .push({ clientId: 'dan-replica', workspace: team, policies: {}, ops: [{ seq: 1, table: 'tasks', recordId: id, kind: 'update', fields: { title: 'hijacked' }, baseVersion: null, clientTime: Date.now() }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendError);
    expect((refused as BackendError).refusal).toBe('forbidden');
    const read = await backend.pullAll({ workspace: team, cursors: { tasks: 0 }, limit: 100 }).catch((e: unknown) => e);
    expect((read as BackendError).refusal).toBe('forbidden');
    await a.sync();
    expect(a.task(id).title).toBe('Ship the release notes');
  });
});
