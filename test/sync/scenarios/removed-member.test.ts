/**
 * A member removed while offline: their next push into the workspace is
 * refused (forbidden, exit 7 at the CLI), the change stays in their outbox,
 * the workspace turns read-only on their replica, and only
 * `forgetWorkspace` drops the local copy. The owner's data is untouched.
 */
import { describe, expect, it } from 'vitest';
import { DeniedError } from '../../../src/errors.js';
import { forgetWorkspace, listLocalWorkspaces } from '../../../src/db/workspaces.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';
import { createTeam, userIdOf } from './team.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('refused, kept, read-only, then forgotten', async () => {
    const a = await scenario.replica({ user: 'olga' });
    const b = await scenario.replica({ user: 'rem' });
    const team = await createTeam(a, 'Team', [b]);
    const id = a.add('Shared plan', { workspace: team });
    await a.sync();
    await b.sync();
    b.update(id, { title: 'my offline edit' });
    await (await a.ctx.backend()).removeMember(team, await userIdOf(b));

    // Refused: the summary names the workspace left and the change it keeps (the command exits 7 on it).
    const outcome = await b.sync();
    expect(outcome.left).toEqual([{ id: team, name: 'Team', kept: 1, justLeft: true }]);
    expect(b.outbox().map((o) => JSON.parse(o.fields))).toEqual([{ title: 'my offline edit' }]);
    expect(b.task(id).title).toBe('my offline edit');
    expect(listLocalWorkspaces(b.ctx.replica()).find((w) => w.id === team)?.state).toBe('left');
    expect(() => b.update(id, { status: 'done' })).toThrow(DeniedError);

    await a.sync();
    expect(a.task(id).title).toBe('Shared plan');
    expect(forgetWorkspace(b.ctx.replica(), team)).toMatchObject({ records: 1, ops: 1 });
    expect(b.tasks()).toEqual([]);
    expect(b.outbox()).toEqual([]);
  });
});
