import { describe, expect, it } from 'vitest';
import { syncOnce } from '../../../src/sync/engine.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('a server that was reset (its head is behind our cursor)', () => {
    it('is answered with a full re-pull, keeping the outbox', async () => {
      const a = await scenario.replica({ user: 'max' });
      for (let i = 0; i < 5; i++) a.add(`old ${i}`);
      await a.sync();

      // A fresh, empty deployment where only 2 changes have happened.
      const fresh = await scenario.startServer();
      try {
        const seeded = await scenario.replica({ user: 'max' });
        seeded.add('on the new server');
        await syncOnce(seeded.ctx.replica(), await fresh.backend('max'), {});
        const queued = a.add('captured meanwhile');

        const summary = await syncOnce(a.ctx.replica(), await fresh.backend('max'), {});
        expect(summary.pulled).toBeGreaterThanOrEqual(1);
        expect(a.tasks().map((t) => t.title)).toContain('on the new server');
        expect(a.task(queued).syncStatus).toBe('synced');
        expect(a.outbox()).toEqual([]);
      } finally {
        await fresh.close();
      }
    });
  });
});
