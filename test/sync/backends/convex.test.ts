/** Error classification of the Convex backend adapter (the contract suite covers its semantics). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, ConfigError, ExitCode, exitCodeFor } from '../../../src/errors.js';
import { createConvexBackend } from '../../../src/sync/backends/convex/index.js';
import type { PushBatch } from '../../../src/schema/protocol.js';
import { startConvexServer, type ConvexTestServer } from '../../../src/dev/servers/convex/server.js';
import { newId, OpSeq, taskFields } from '../contract-helpers.js';
import { MAX_PUSH_OPS } from '../../../src/schema/server/push.js';
import { closeRaw, rawServer } from '../../helpers/raw-server.js';

let convex: ConvexTestServer;
let token: string;
beforeAll(async () => {
  convex = await startConvexServer();
  token = await convex.mintToken('alice');
});
afterAll(() => convex.close());

const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as BackendError);


describe('convex backend errors', () => {
  it('is offline and retryable when the server is down', async () => {
    const backend = createConvexBackend({ url: convex.url, token });
    await backend.ping();
    await convex.stop();
    try {
      const error = await failure(backend.pull({ table: 'tasks', cursor: 0, limit: 10 }));
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ offline: true, retryable: true, auth: false });
      expect(error?.message).toMatch(/cannot reach Convex: ECONNREFUSED/);
    } finally {
      await convex.start();
    }
    await backend.ping();
  });

  it('is offline when the server does not answer in time', async () => {
    const { url, server } = await rawServer(null);
    const backend = createConvexBackend({ url, token, timeoutMs: 200 });
    const error = await failure(backend.ping());
    expect(error).toMatchObject({ offline: true, retryable: true });
    expect(error?.message).toMatch(/within 200 ms/);
    await closeRaw(server);
  });

  it('retries a proxy’s 502 but not a 400, and reads 401 as auth', async () => {
    for (const [status, expected] of [
      [502, { retryable: true, offline: false, auth: false }],
      [400, { retryable: false, offline: false, auth: false }],
      [401, { retryable: false, offline: false, auth: true }],
    ] as const) {
      const { url, server } = await rawServer((res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
      const error = await failure(createConvexBackend({ url, token }).ping());
      expect(error).toMatchObject(expected);
      expect(error?.message).toContain(`HTTP ${status}`);
      await closeRaw(server);
    }
  });

  it('does not retry requests the server refuses as such', async () => {
    const backend = createConvexBackend({ url: convex.url, token });
    const ops = new OpSeq();
    const tooBig = ops.batch(Array.from({ length: MAX_PUSH_OPS + 1 }, () => ops.create(newId(), taskFields('x'))));
    expect(await failure(backend.push(tooBig))).toMatchObject({ retryable: false, auth: false });
    // An undeclared field (refused by the push) and an undeclared table (by argument validation).
    for (const [table, fields, named] of [['tasks', { ...taskFields('x'), color: 'red' }, /color/], ['colors', taskFields('x'), /colors/]] as const) {
      const invalid = await failure(backend.push({ ...ops.batch([ops.create(newId(), fields, table)]) } as PushBatch));
      expect(invalid).toMatchObject({ retryable: false, offline: false });
      expect(invalid?.message).toMatch(named);
    }
  });

  it('carries the server’s refusal code: forbidden (exit 7 denied) for a workspace the caller is not a member of', async () => {
    const backend = createConvexBackend({ url: convex.url, token });
    const other = createConvexBackend({ url: convex.url, token: await convex.mintToken('mallory') });
    const team = await backend.createWorkspace('Refusals');
    const denied = await failure(other.pull({ workspace: team.id, table: 'tasks', cursor: 0, limit: 1 }));
    expect(denied).toMatchObject({ refusal: 'forbidden', retryable: false, auth: false, offline: false });
    expect(exitCodeFor(denied)).toBe(ExitCode.denied);
    expect(await failure(backend.createWorkspace('Refusals'))).toMatchObject({ refusal: 'exists' });
    expect(await failure(createConvexBackend({ url: convex.url, token: null }).ping())).toMatchObject({ auth: true, refusal: undefined });
    await Promise.all([backend.close(), other.close()]);
  });

  it('reports a missing or refused token as auth', async () => {
    for (const t of [null, await convex.mintToken('alice', { ttlSeconds: -1 })]) {
      expect(await failure(createConvexBackend({ url: convex.url, token: t }).ping())).toMatchObject({ auth: true, retryable: false });
    }
  });

  it('rejects an unusable URL as configuration, hides credentials, and closes', async () => {
    expect(() => createConvexBackend({ url: 'ftp://example.com', token })).toThrow(ConfigError);
    const backend = createConvexBackend({ url: convex.url.replace('http://', 'http://user:secret@') + '/', token });
    expect(backend.url).toBe(convex.url);
    await backend.close();
    await backend.close();
    expect(await failure(backend.ping())).toBeInstanceOf(BackendError);
  });
});
