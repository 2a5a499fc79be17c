import { describe, expect, it } from 'vitest';
import { createConvexBackend } from '../../../src/sync/backends/convex.js';
import { syncOnce } from '../../../src/sync/engine.js';
import { startConvexServer } from '../../servers/convex/server.js';
import { useScenario } from './harness.js';

const scenario = useScenario();

describe('a server that was reset (its head is behind our cursor)', () => {
  it('is answered with a full re-pull, keeping the outbox', async () => {
    const a = await scenario.replica({ user: 'max' });
    for (let i = 0; i < 5; i++) a.add(`old ${i}`);
    await a.sync();

    // A fresh, empty deployment where only 2 changes have happened.
    const fresh = await startConvexServer();
    try {
      const token = await fresh.mintToken('max');
      const seeded = await scenario.replica({ user: 'max' });
      seeded.add('on the new server');
      await syncOnce(seeded.ctx.replica(), createConvexBackend({ url: fresh.url, token }), {});
      const queued = a.add('captured meanwhile');

      const summary = await syncOnce(a.ctx.replica(), createConvexBackend({ url: fresh.url, token }), {});
      expect(summary.pulled).toBeGreaterThanOrEqual(1);
      expect(a.tasks().map((t) => t.title)).toContain('on the new server');
      expect(a.task(queued).syncStatus).toBe('synced');
      expect(a.outbox()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
