/**
 * Selective sync: a replica that syncs only one of its user's workspaces asks
 * nothing of the others and holds none of their records; selecting all brings
 * them in. A replica that never named a workspace syncs every joined one.
 */
import { describe, expect, it } from 'vitest';
import type { PullAllRequest, PushBatch } from '../../../src/schema/protocol.js';
import { SCENARIO_BACKENDS, useScenario, type BackendWrapper } from './harness.js';
import { createTeam, refreshWorkspaces } from './team.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('an unselected workspace costs no request and brings no record', async () => {
    const owner = await scenario.replica({ user: 'sel' });
    const red = await createTeam(owner, 'Red', []);
    const blue = await createTeam(owner, 'Blue', []);
    const [r, bl] = [owner.add('red task', { workspace: red }), owner.add('blue task', { workspace: blue })];
    await owner.sync();

    const asked: (string | undefined)[] = [];
    const counting: BackendWrapper = (backend) => ({
      ...backend,
      pullAll: (request: PullAllRequest) => (asked.push(request.workspace), backend.pullAll(request)),
      push: (batch: PushBatch) => (asked.push(batch.workspace), backend.push(batch)),
    });
    const laptop = await scenario.replica({ user: 'sel', wrap: counting });
    await refreshWorkspaces(laptop);
    asked.length = 0;
    await laptop.sync({ workspaces: [red] });
    expect(asked).toEqual([red]);
    expect([laptop.tasks(red), laptop.tasks(blue)].map((list) => list.map((t) => t.id))).toEqual([[r], []]);

    asked.length = 0;
    await laptop.sync();
    expect(new Set(asked)).toEqual(new Set([undefined, red, blue]));
    expect([laptop.tasks(red), laptop.tasks(blue)].map((list) => list.map((t) => t.id))).toEqual([[r], [bl]]);
  });
});
