/**
 * Scenario harness: one local Convex server (the project's own functions in
 * the convex-test runtime, over a real socket) and any number of replicas,
 * each a real SQLite file with a real ConvexHttpClient-backed backend.
 */
import { ConvexHttpClient } from 'convex/browser';
import { afterAll, beforeAll } from 'vitest';
import { api } from '../../../convex/_generated/api.js';
import { addTask, changeTask, listTasks, type TaskInput } from '../../../src/db/tasks.js';
import type { Backend } from '../../../src/sync/backend.js';
import { createConvexBackend } from '../../../src/sync/backends/convex.js';
import { syncOnce, type SyncOptions } from '../../../src/sync/engine.js';
import type { Fields } from '../../../src/sync/protocol.js';
import { startConvexServer, type ConvexTestServer } from '../../servers/convex/server.js';
import { rows, testContext, type TestContext } from '../../helpers/replica.js';

export interface TestReplica {
  ctx: TestContext;
  add(title: string, input?: Omit<TaskInput, 'title'>): string;
  update(id: string, input: TaskInput): void;
  sync(options?: SyncOptions): ReturnType<typeof syncOnce>;
  tasks(): ReturnType<typeof listTasks>;
  task(id: string): ReturnType<typeof listTasks>[number];
  outbox(): { seq: number; state: string; attempts: number; fields: string }[];
}

export interface WebClient {
  createTask(recordId: string, fields: Fields): Promise<unknown>;
  updateTask(recordId: string, fields: Fields): Promise<unknown>;
  updateProject(recordId: string, fields: Fields): Promise<unknown>;
}

/** Wrap a backend (e.g. to drop a response or act during a push). */
export type BackendWrapper = (backend: Backend) => Backend;

export interface Scenario {
  server: ConvexTestServer;
  replica(options?: { user?: string; wrap?: BackendWrapper }): Promise<TestReplica>;
  /** A web app writing directly through the "web side" functions. */
  web(user?: string): Promise<WebClient>;
}

/** Start one server for the test file; stopped after all its tests. */
export function useScenario(): Scenario {
  let server: ConvexTestServer;
  beforeAll(async () => {
    server = await startConvexServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      return server;
    },
    async replica({ user = 'alice', wrap } = {}) {
      const token = await server.mintToken(user);
      const ctx = testContext({
        json: true,
        backendFactory: async () => {
          const backend = createConvexBackend({ url: server.url, token, timeoutMs: 5_000 });
          return wrap ? wrap(backend) : backend;
        },
      });
      const replica = () => ctx.replica();
      return {
        ctx,
        add: (title, input = {}) => addTask(replica(), { ...input, title }, Date.now()).id,
        update: (id, input) => void changeTask(replica(), id, input, Date.now()),
        sync: async (options = {}) => syncOnce(replica(), await ctx.backend(), options),
        tasks: () => listTasks(replica()),
        task: (id) => listTasks(replica()).find((t) => t.id === id)!,
        outbox: () => rows(replica(), 'outbox'),
      };
    },
    async web(user = 'alice') {
      const client = new ConvexHttpClient(server.url, { logger: false });
      client.setAuth(await server.mintToken(user));
      return {
        createTask: (recordId, fields) => client.mutation(api.web.createTask, { recordId, fields } as never),
        updateTask: (recordId, fields) => client.mutation(api.web.updateTask, { recordId, fields } as never),
        updateProject: (recordId, fields) => client.mutation(api.web.updateProject, { recordId, fields } as never),
      };
    },
  };
}
