import { describe, expect, it } from 'vitest';
import { retryFailedOps } from '../../../src/db/outbox.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('an op the server rejects', () => {
    it('does not wedge the ops behind it, fails after 3 attempts, and can be retried', async () => {
      const a = await scenario.replica({ user: 'lee' });
      const replica = a.ctx.replica();
      const id = a.add('valid');
      await a.sync();
      // A rule the server enforces that this replica did not (e.g. an older client): an empty title.
      replica.sqlite
        .prepare("INSERT INTO outbox (op, table_name, record_id, fields, base_version, created_at) VALUES ('update', 'tasks', ?, ?, NULL, ?)")
        .run(id, JSON.stringify({ title: '' }), Date.now());
      const behind = a.add('queued behind the bad op');

      const before = Date.now();
      const first = await a.sync();
      expect(first).toMatchObject({ pushed: 1, rejected: 1, failed: 0 });
      expect(a.task(behind).syncStatus).toBe('synced');
      const [bad] = a.outbox();
      expect(bad).toMatchObject({ state: 'pending', attempts: 1 });

      // Later attempts (once their backoff has passed) are counted too.
      const minutesLater = (m: number) => ({ now: () => Date.now() + m * 60_000 });
      // Still backing off (at least 0.5 s from when it was recorded, after `before`): on a slow machine the wall clock may pass that.
      expect((await a.sync({ now: () => before })).rejected).toBe(0);
      await a.sync(minutesLater(10));
      const third = await a.sync(minutesLater(20));
      expect(third).toMatchObject({ failed: 1 });
      expect(a.outbox()[0]).toMatchObject({ state: 'failed', attempts: 3 });
      expect(a.task(id).syncStatus).toBe('failed');
      expect(a.outbox()[0]).toHaveProperty('last_error', expect.stringMatching(/title/));

      // Retry re-queues the record's CURRENT value (the title is still valid locally) under a new seq.
      expect(retryFailedOps(replica, undefined, Date.now())).toBe(1);
      const [requeued] = a.outbox();
      expect(requeued!.seq).toBeGreaterThan(bad!.seq);
      expect(JSON.parse(requeued!.fields)).toEqual({ title: 'valid' });
      await a.sync();
      expect(a.outbox()).toEqual([]);
      expect(a.task(id).syncStatus).toBe('synced');
    });
  });
});
