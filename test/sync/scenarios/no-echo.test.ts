import { describe, expect, it } from 'vitest';
import type { PullAllPage } from '../../../src/schema/protocol.js';
import { TABLES } from '../../../src/schema/tables.js';
import { SCENARIO_BACKENDS, useScenario } from './harness.js';

describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
  const scenario = useScenario(kind);

  describe('no echo', () => {
    it('a sync that pushes 1,000 creates pulls none of them back, and one request pulls every table', async () => {
      const answers: PullAllPage[] = [];
      const a = await scenario.replica({
        user: 'echo',
        wrap: (backend) => ({
          ...backend,
          pullAll: async (request) => {
            const answer = await backend.pullAll(request);
            answers.push(answer);
            return answer;
          },
        }),
      });
      a.ctx.replica().write(() => {
        for (let i = 0; i < 1_000; i++) a.add(`task ${i}`);
      });
      const summary = await a.sync({ batchSize: 500 });
      expect(summary).toMatchObject({ pushed: 1_000, pulled: 0 });
      expect(answers).toHaveLength(1);
      expect(Object.keys(answers[0]!.tables).sort()).toEqual(TABLES.map((t) => t.name).sort());
      expect(JSON.stringify(answers).length).toBeLessThan(5_000);
      expect(Object.values(answers[0]!.tables).flatMap((t) => t.changes)).toEqual([]);

      // Another replica of the same user still gets all of them, and the first one's next sync is idle.
      const b = await scenario.replica({ user: 'echo' });
      expect((await b.sync()).pulled).toBe(1_000);
      expect(b.tasks()).toHaveLength(1_000);
      answers.length = 0;
      expect((await a.sync()).pulled).toBe(0);
      expect(answers).toHaveLength(1);
    }, 120_000);

    it('an edit by another replica after the push still comes back', async () => {
      const a = await scenario.replica({ user: 'echo2' });
      const b = await scenario.replica({ user: 'echo2' });
      const id = a.add('mine');
      await a.sync();
      await b.sync();
      b.update(id, { title: 'edited on b' });
      await b.sync();
      expect((await a.sync()).pulled).toBe(1);
      expect(a.task(id).title).toBe('edited on b');
    }, 60_000);
  });
});
