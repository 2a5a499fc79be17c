/** The in-memory reference backend's own edges (the contract suite covers its semantics). */
import { describe, expect, it } from 'vitest';
import { BackendError, ExitCode, exitCodeFor } from '../../../src/errors.js';
import { createMemoryBackend, MemoryServer } from '../../../src/sync/backends/memory/index.js';
import { headOf, newId, OpSeq, taskFields } from '../contract-helpers.js';
import { MAX_PUSH_OPS } from '../../../src/schema/server/push.js';

const setup = () => {
  const server = new MemoryServer();
  return { server, backend: createMemoryBackend({ server, token: server.token('alice') }) };
};
const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as BackendError);

describe('memory backend', () => {
  it('refuses a malformed batch whole, with the same messages as the Convex functions, applying nothing', async () => {
    const { backend } = setup();
    const ops = new OpSeq();
    const good = ops.create(newId(), taskFields('kept out'));
    const cases: [Parameters<typeof backend.push>[0], RegExp][] = [
      [ops.batch([good, { ...good, seq: 1 }]), /bad_request\): op 1: seq 1 does not increase/],
      [{ ...ops.batch([good]), clientId: 'web' }, /invalid client id "web"/],
      [ops.batch(Array.from({ length: MAX_PUSH_OPS + 1 }, (_, i) => ({ ...good, seq: i + 1 }))), /batch_too_large\): 2001 ops in one push; send at most 2000/],
      [ops.batch([good, { ...good, seq: 9, table: 'nope' }]), /op 1: unknown table "nope"/],
    ];
    for (const [batch, message] of cases) {
      const error = await failure(backend.push(batch));
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ retryable: false, offline: false, auth: false });
      expect(error?.message).toMatch(message);
    }
    expect(await headOf(backend)).toBe(0);
  });

  it('is unreachable while the server is stopped (offline, retryable), and keeps its data', async () => {
    const { server, backend } = setup();
    const ops = new OpSeq();
    await backend.push(ops.batch([ops.create(newId(), taskFields('before'))]));
    server.stop();
    expect(await failure(backend.ping())).toMatchObject({ offline: true, retryable: true });
    server.start();
    expect(await headOf(backend)).toBe(1);
  });

  it('tells subscribers of the same user when their head moves, and nobody else', async () => {
    const { server, backend } = setup();
    const bob = createMemoryBackend({ server, token: server.token('bob') });
    const heads: number[] = [];
    const bobHeads: number[] = [];
    const stop = backend.subscribe!((head) => heads.push(head));
    bob.subscribe!((head) => bobHeads.push(head));
    const ops = new OpSeq();
    await backend.push(ops.batch([ops.create(newId(), taskFields('a')), ops.create(newId(), taskFields('b'))]));
    await backend.pull({ table: 'tasks', cursor: 0, limit: 10 });
    stop();
    await backend.push(ops.batch([ops.create(newId(), taskFields('c'))]));
    expect(heads).toEqual([2]);
    expect(bobHeads).toEqual([]);
  });

  it('knows users by their token’s name and refuses outsiders as forbidden (exit 7 denied)', async () => {
    const server = new MemoryServer();
    const ann = createMemoryBackend({ server, token: server.token('ann', { name: 'Ann' }) });
    const eve = createMemoryBackend({ server, token: server.token('eve') });
    expect((await ann.listWorkspaces()).user).toEqual({ userId: 'ann', name: 'Ann' });
    const team = await ann.createWorkspace('Team');
    const denied = await failure(eve.checksum({ workspace: team.id, table: 'tasks', suffix: '' }));
    expect(denied).toMatchObject({ refusal: 'forbidden', retryable: false });
    expect(exitCodeFor(denied)).toBe(ExitCode.denied);
    expect(await ann.listMembers(team.id)).toEqual([{ userId: 'ann', role: 'owner', name: 'Ann' }]);
  });
});
