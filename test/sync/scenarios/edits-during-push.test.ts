import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/errors.js';
import { SCENARIO_BACKENDS, useScenario, type TestReplica } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('edits made while a push is in flight', () => {
    it('stay pending and are pushed by the next sync; nothing typed meanwhile is lost', async () => {
      let during: (() => void) | null = null;
      let offlineAfter = false;
      const a: TestReplica = await scenario.replica({
        user: 'dave',
        wrap: (backend) => ({
          ...backend,
          push: async (batch) => {
            // The network drops right after the first batch, so the sync ends
            // with whatever was typed during that batch still queued.
            if (offlineAfter) throw new BackendError('network down', { retryable: true, offline: true });
            during?.();
            during = null;
            offlineAfter = true;
            return backend.push(batch);
          },
        }),
      });
      const id = a.add('first title');
      during = () => a.update(id, { title: 'typed during the push' });
      await expect(a.sync()).rejects.toThrow(/network down/);
      expect(a.task(id)).toMatchObject({ title: 'typed during the push', syncStatus: 'pending' });
      expect(a.outbox()).toHaveLength(1);

      const b = await scenario.replica({ user: 'dave' });
      await b.sync();
      expect(b.task(id).title).toBe('first title');

      offlineAfter = false;
      await a.sync();
      expect(a.task(id).syncStatus).toBe('synced');
      await b.sync();
      expect(b.task(id).title).toBe('typed during the push');
    });

    it('a pull never clobbers a field with a pending local op', async () => {
      const a = await scenario.replica({ user: 'erin' });
      const b = await scenario.replica({ user: 'erin' });
      const id = a.add('shared');
      await a.sync();
      await b.sync();
      b.update(id, { title: 'B renamed', stage: 'b-stage' });
      await b.sync();
      a.update(id, { title: 'A renamed' });
      await a.sync({ mode: 'pull' });
      expect(a.task(id)).toMatchObject({ title: 'A renamed', stage: 'b-stage', syncStatus: 'pending' });
    });
  });
});
