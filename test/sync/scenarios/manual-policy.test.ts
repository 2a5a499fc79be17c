import { describe, expect, it } from 'vitest';
import { listConflicts, resolveConflict } from '../../../src/db/conflicts.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('the manual policy holds a conflict until convoy resolve', () => {
    it('take local: the local value is re-queued and wins at the next sync', async () => {
      const a = await scenario.replica({ user: 'ivy' });
      const web = await scenario.web('ivy');
      const id = a.add('original');
      await a.sync();
      await web.updateTask(id, { title: 'web' });
      a.update(id, { title: 'mine' });
      const first = await a.sync({ policies: { tasks: 'manual' } });
      expect(first).toMatchObject({ conflicts: 1, openConflicts: 1 });
      expect(a.task(id)).toMatchObject({ title: 'mine', syncStatus: 'conflict' });
      // Held: another sync changes nothing while undecided.
      await a.sync({ policies: { tasks: 'manual' } });
      expect(a.task(id)).toMatchObject({ title: 'mine', syncStatus: 'conflict' });

      const [open] = listConflicts(a.ctx.replica());
      resolveConflict(a.ctx.replica(), open!.id.slice(0, 36), 'local', Date.now());
      expect(a.task(id).syncStatus).toBe('pending');
      const second = await a.sync({ policies: { tasks: 'manual' } });
      expect(second).toMatchObject({ conflicts: 0, openConflicts: 0 });
      const b = await scenario.replica({ user: 'ivy' });
      await b.sync();
      expect(b.task(id).title).toBe('mine');
    });

    it('take remote: the local field takes the server value, nothing to push', async () => {
      const a = await scenario.replica({ user: 'jon' });
      const web = await scenario.web('jon');
      const id = a.add('original');
      await a.sync();
      await web.updateTask(id, { stage: 'web stage' });
      a.update(id, { stage: 'local stage' });
      await a.sync({ policies: { tasks: 'manual' } });
      const [open] = listConflicts(a.ctx.replica());
      expect(open).toMatchObject({ field: 'stage', winner: 'pending', resolved: false });
      resolveConflict(a.ctx.replica(), open!.id, 'remote', Date.now());
      expect(a.task(id)).toMatchObject({ stage: 'web stage', syncStatus: 'synced' });
      expect(a.outbox()).toEqual([]);
      expect(() => resolveConflict(a.ctx.replica(), open!.id, 'local', Date.now())).toThrow(/already settled/);
    });

    it('take remote after the server moved on: the latest server value, on both sides', async () => {
      const a = await scenario.replica({ user: 'kit' });
      const web = await scenario.web('kit');
      const id = a.add('original');
      await a.sync({ policies: { tasks: 'manual' } });
      a.update(id, { title: 'mine' });
      await web.updateTask(id, { title: 'web 1' });
      await a.sync({ policies: { tasks: 'manual' } });
      await web.updateTask(id, { title: 'web 2' });
      await a.sync({ policies: { tasks: 'manual' } });
      // Still held: the pull does not overwrite the undecided local value.
      expect(a.task(id)).toMatchObject({ title: 'mine', syncStatus: 'conflict' });
      const [open] = listConflicts(a.ctx.replica());
      resolveConflict(a.ctx.replica(), open!.id, 'remote', Date.now());
      await a.sync({ policies: { tasks: 'manual' } });
      const b = await scenario.replica({ user: 'kit' });
      await b.sync();
      expect({ a: a.task(id).title, server: b.task(id).title, open: listConflicts(a.ctx.replica()).length }).toEqual({ a: 'web 2', server: 'web 2', open: 0 });
    });
  });
});
