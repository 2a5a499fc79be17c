import { describe, expect, it } from 'vitest';
import { tableSyncStates } from '../../../src/db/sync-state.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('initial pull in pages', () => {
    it('2,500 rows pulled in pages of 500, each exactly once, and recorded as done', async () => {
      const a = await scenario.replica({ user: 'kim' });
      const replica = a.ctx.replica();
      replica.write(() => {
        for (let i = 0; i < 2_500; i++) a.add(`task ${i}`);
      });
      const pushed = await a.sync({ mode: 'push', batchSize: 500 });
      expect(pushed).toMatchObject({ pushed: 2_500, pushBatches: 5 });

      const b = await scenario.replica({ user: 'kim' });
      expect(tableSyncStates(b.ctx.replica()).tasks!.initialSyncDone).toBe(false);
      const pages: number[] = [];
      const pulled = await b.sync({ pageSize: 500, onProgress: (p) => p.step === 'pull' && p.table === 'tasks' && pages.push(p.pulled) });
      expect(pulled.pulled).toBe(2_500);
      expect(pages).toEqual([500, 1_000, 1_500, 2_000, 2_500]);
      expect(b.tasks()).toHaveLength(2_500);
      expect(new Set(b.tasks().map((t) => t.title)).size).toBe(2_500);
      expect(tableSyncStates(b.ctx.replica()).tasks!.initialSyncDone).toBe(true);
      expect((await b.sync()).pulled).toBe(0);
    }, 120_000);
  });
});
