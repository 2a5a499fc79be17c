import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../../src/db/conflicts.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('a web edit and a local edit of the same task', () => {
    it('same field: the local edit wins (tasks are local-wins) and the conflict is recorded', async () => {
      const a = await scenario.replica({ user: 'fay' });
      const web = await scenario.web('fay');
      const id = a.add('original');
      await a.sync();
      await web.updateTask(id, { title: 'web title' });
      a.update(id, { title: 'local title' });
      const summary = await a.sync();
      expect(summary.conflicts).toBe(1);
      expect(a.task(id)).toMatchObject({ title: 'local title', syncStatus: 'synced' });
      const [conflict] = listConflicts(a.ctx.replica(), { all: true });
      expect(conflict).toMatchObject({ field: 'title', policy: 'local-wins', winner: 'local', resolved: true });
      expect(JSON.parse(conflict!.remoteValue!)).toBe('web title');
      const b = await scenario.replica({ user: 'fay' });
      await b.sync();
      expect(b.task(id).title).toBe('local title');
    });

    it('different fields: both edits survive (merged), no conflict', async () => {
      const a = await scenario.replica({ user: 'gus' });
      const web = await scenario.web('gus');
      const id = a.add('original');
      await a.sync();
      await web.updateTask(id, { description: 'written on the web' });
      a.update(id, { stage: 'local stage' });
      const summary = await a.sync();
      expect(summary.conflicts).toBe(0);
      expect(a.task(id)).toMatchObject({ description: 'written on the web', stage: 'local stage', syncStatus: 'synced' });
      expect(listConflicts(a.ctx.replica(), { all: true })).toEqual([]);
    });
  });
});
