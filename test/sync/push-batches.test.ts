/**
 * Push batch sizes: a backend's limits (Backend.pushLimits) choose the ops
 * per request, a larger ask is cut to its maxOps and to its maxBytes, and a
 * server that refuses a batch as too large, naming its own limit (one from
 * before larger batches), gets batches of that size: every op still arrives
 * exactly once, in order.
 */
import { describe, expect, it } from 'vitest';
import { addTask } from '../../src/db/tasks.js';
import { pendingOpCount } from '../../src/db/outbox.js';
import { BackendError } from '../../src/errors.js';
import type { Backend } from '../../src/sync/backend.js';
import { createMemoryBackend, MemoryServer } from '../../src/sync/backends/memory/index.js';
import { batchSizeFor, pushAll, smallerLimit } from '../../src/sync/push.js';
import { tempReplica } from '../helpers/replica.js';

const T0 = 1_700_000_000_000;

/** The memory backend with `limits`, recording each push's size; `serverMax` refuses larger batches as an old server would. */
function backendWith(limits: Backend['pushLimits'], serverMax = Infinity): { backend: Backend; sizes: number[]; server: MemoryServer } {
  const server = new MemoryServer();
  const inner = createMemoryBackend({ server, token: server.token('batches') });
  const sizes: number[] = [];
  const backend: Backend = {
    ...inner,
    pushLimits: limits,
    push: async (batch) => {
      if (batch.ops.length > serverMax) {
        throw new BackendError(`the server refused the push (batch_too_large): ${batch.ops.length} ops in one push; send at most ${serverMax}`, { retryable: false });
      }
      sizes.push(batch.ops.length);
      return inner.push(batch);
    },
  };
  return { backend, sizes, server };
}

function queued(count: number, title = (i: number) => `task ${i}`) {
  const replica = tempReplica();
  for (let i = 0; i < count; i++) addTask(replica, { title: title(i) }, T0 + i);
  return replica;
}

describe('push batch sizes', () => {
  it('uses the backend’s preferred size, cuts a larger ask to its maximum, and defaults to 200 without limits', () => {
    const limits = { preferredOps: 1_000, maxOps: 2_000, maxBytes: 1 << 20 };
    expect([batchSizeFor(limits, undefined), batchSizeFor(limits, 50), batchSizeFor(limits, 5_000), batchSizeFor(undefined, undefined)]).toEqual([1_000, 50, 2_000, 200]);
  });

  it('sends the preferred number of ops per request', async () => {
    const replica = queued(25);
    const { backend, sizes } = backendWith({ preferredOps: 10, maxOps: 20, maxBytes: 1 << 20 });
    const summary = await pushAll(replica, backend, { now: () => T0 });
    expect([summary.pushed, sizes]).toEqual([25, [10, 10, 5]]);
    expect(pendingOpCount(replica)).toBe(0);
  });

  it('cuts a batch before the op that would pass the byte limit', async () => {
    const replica = queued(6, (i) => `${i} ${'x'.repeat(400)}`);
    const { backend, sizes } = backendWith({ preferredOps: 100, maxOps: 100, maxBytes: 2_000 });
    await pushAll(replica, backend, { now: () => T0 });
    expect(sizes.every((n) => n >= 1 && n < 6)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('falls back to the limit an older server names, losing and repeating nothing', async () => {
    const replica = queued(12);
    const { backend, sizes, server } = backendWith({ preferredOps: 10, maxOps: 10, maxBytes: 1 << 20 }, 4);
    const summary = await pushAll(replica, backend, { now: () => T0 });
    expect([summary.pushed, summary.rejected, sizes]).toEqual([12, 0, [4, 4, 4]]);
    const page = await createMemoryBackend({ server, token: server.token('batches') }).pull({ table: 'tasks', cursor: 0, limit: 100 });
    expect(page.changes.map((c) => c.fields.title)).toEqual(Array.from({ length: 12 }, (_, i) => `task ${i}`));
  });

  it('reads a limit only from a refusal that names a smaller one', () => {
    const refusal = (text: string, retryable = false) => new BackendError(text, { retryable });
    expect(smallerLimit(refusal('1000 ops in one push; send at most 500'), 1_000)).toBe(500);
    expect(smallerLimit(refusal('1000 ops in one push; send at most 500', true), 1_000)).toBeNull();
    expect(smallerLimit(refusal('400 ops in one push; send at most 500'), 400)).toBeNull();
    expect(smallerLimit(new Error('1000 ops in one push; send at most 500'), 1_000)).toBeNull();
  });
});
