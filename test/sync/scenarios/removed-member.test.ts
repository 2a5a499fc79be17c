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
    const [a, b] = await Promise.all(['olga', 'rem'].map((user) => scenario.replica({ user })));
    const team = await createTeam(a, 'Team', [b]);
    const id = a.add('Shared plan', { workspace: team });
    await a.sync();
    await b.sync();
    b.update(id, { title: 'my offline edit' });
    await (await a.ctx.backend()).removeMember(team, await userIdOf(b));

    const outcome = await b.sync().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as Error).message)).toMatch(/Team/);
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
