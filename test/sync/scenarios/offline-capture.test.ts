import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../src/errors.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('offline capture, then sync', () => {
    it('queues while the server is down, burns no attempt, and drains when it is back', async () => {
      const a = await scenario.replica();
      await scenario.server.stop();
      try {
        const ids = [a.add('one'), a.add('two'), a.add('three')];
        const error = await a.sync().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).offline).toBe(true);
        expect(a.outbox().map((o) => [o.state, o.attempts])).toEqual([
          ['pending', 0],
          ['pending', 0],
          ['pending', 0],
        ]);
        expect(ids.map((id) => a.task(id).syncStatus)).toEqual(['pending', 'pending', 'pending']);
      } finally {
        await scenario.server.start();
      }
      const summary = await a.sync();
      expect(summary).toMatchObject({ pushed: 3, failed: 0, conflicts: 0 });
      expect(a.outbox()).toEqual([]);
      expect(a.tasks().every((t) => t.syncStatus === 'synced' && t.serverVersion !== null)).toBe(true);
    });

    it('a task created offline on replica A shows on replica B after both sync', async () => {
      const a = await scenario.replica({ user: 'bob' });
      const b = await scenario.replica({ user: 'bob' });
      const id = a.add('from A', { stage: 'draft', status: 'in_progress' });
      await a.sync();
      const pulled = await b.sync();
      expect(pulled.pulled).toBeGreaterThanOrEqual(1);
      expect(b.task(id)).toMatchObject({ title: 'from A', stage: 'draft', status: 'in_progress', syncStatus: 'synced' });
      b.update(id, { status: 'done' });
      await b.sync();
      await a.sync();
      expect(a.task(id).status).toBe('done');
      expect(a.task(id).completedAt).not.toBeNull();
    });
  });
});
