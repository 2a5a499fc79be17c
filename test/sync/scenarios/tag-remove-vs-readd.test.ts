/**
 * A tag removed on one replica and added again on another while both are offline ends present (add wins), in either push order; a tag nobody re-added is removed everywhere.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIO_BACKENDS, twoReplicas, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  it('a tag removed on one replica and added again on the other ends present; one nobody re-added is gone everywhere', async () => {
    const { a, b, id } = await twoReplicas(scenario, 'cy', ['x', 'y']);
    a.update(id, { untag: ['x', 'y'] });
    b.update(id, { untag: ['x'] });
    b.update(id, { tag: ['x'] });
    await a.sync();
    await b.sync();
    await a.sync();
    expect(a.task(id).tags).toEqual(['x']);
    expect(b.task(id).tags).toEqual(['x']);
    // And the other order: the re-add pushed before the remove.
    b.update(id, { untag: ['x'] });
    b.update(id, { tag: ['x'] });
    a.update(id, { untag: ['x'] });
    await b.sync();
    await a.sync();
    await b.sync();
    expect(a.task(id).tags).toEqual(['x']);
    expect(b.task(id).tags).toEqual(['x']);
  });
});
