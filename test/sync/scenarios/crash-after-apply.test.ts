import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/errors.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('crash after the server applied a batch, before the client recorded it', () => {
    it('re-running the sync neither duplicates nor loses anything', async () => {
      let drops = 2; // the answer is lost twice: the first attempt and its immediate retry
      const a = await scenario.replica({
        user: 'carol',
        // The server applies the batch; the response is lost on the way back.
        wrap: (backend) => ({
          ...backend,
          push: async (batch) => {
            const result = await backend.push(batch);
            if (drops > 0) {
              drops--;
              throw new BackendError('connection reset', { retryable: true, offline: true });
            }
            return result;
          },
        }),
      });
      const ids = Array.from({ length: 5 }, (_, i) => a.add(`task ${i}`));
      await expect(a.sync()).rejects.toThrow(/connection reset/);
      expect(a.outbox()).toHaveLength(5);

      const summary = await a.sync();
      expect(summary.pushed).toBe(5);
      expect(a.outbox()).toEqual([]);
      expect(a.tasks().map((t) => t.syncStatus)).toEqual(Array(5).fill('synced'));

      const b = await scenario.replica({ user: 'carol' });
      await b.sync();
      expect(b.tasks().map((t) => t.id).sort()).toEqual([...ids].sort());
      const versions = b.tasks().map((t) => t.serverVersion);
      expect(new Set(versions).size).toBe(5);
    });
  });
});
