/** Users of one in-memory server, each with their own replica and command context. */
import { MemoryServer, createMemoryBackend } from '../../src/sync/backends/memory/index.js';
import { testContext, type TestContext } from '../helpers/replica.js';

export interface Team {
  server: MemoryServer;
  /** A context for `userId` (a fresh replica), whose backend is the memory server. */
  user(userId: string, options?: { name?: string; json?: boolean }): TestContext;
}

export function memoryTeam(): Team {
  const server = new MemoryServer();
  return {
    server,
    user: (userId, options = {}) =>
      testContext({ json: options.json ?? true, backendFactory: async () => createMemoryBackend({ server, token: server.token(userId, { name: options.name ?? null }) }) }),
  };
}

/** The last JSON document a command printed. */
export function lastJson<T = Record<string, unknown>>(ctx: TestContext): T {
  return JSON.parse(ctx.reporter.stdout.at(-1)!) as T;
}
