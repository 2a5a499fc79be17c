/**
 * Scenario harness: one local server per backend kind and test file, and any
 * number of replicas, each a real SQLite file with a real backend adapter:
 *
 * - convex: the project's own functions in the convex-test runtime, over a
 *   real socket, called with ConvexHttpClient;
 * - supabase: the project's SQL in PGlite (or DATABASE_URL's PostgreSQL)
 *   behind the local PostgREST-like server, called with supabase-js;
 * - memory: the in-memory reference backend (the same server half as the
 *   Convex functions, on plain maps), in the test process.
 *
 * Every scenario file runs against each kind:
 *
 *   describe.each(SCENARIO_BACKENDS)('%s', (kind) => {
 *     const scenario = useScenario(kind);
 *     it(...);
 *   });
 */
import { ConvexHttpClient } from 'convex/browser';
import { afterAll, beforeAll } from 'vitest';
import { api } from '../../../convex/_generated/api.js';
import { addTask, changeTask, getTask, listTasks, type TaskInput } from '../../../src/db/tasks.js';
import type { Backend } from '../../../src/sync/backend.js';
import { createConvexBackend } from '../../../src/sync/backends/convex/index.js';
import { createMemoryBackend, MemoryServer } from '../../../src/sync/backends/memory/index.js';
import { createSupabaseBackend } from '../../../src/sync/backends/supabase/index.js';
import { syncOnce, type SyncOptions } from '../../../src/sync/engine.js';
import { createMemoryReporter } from '../../../src/output/reporter.js';
import type { Fields } from '../../../src/schema/protocol.js';
import { startConvexServer } from '../../../src/dev/servers/convex/server.js';
import { startSupabaseServer } from '../../../src/dev/servers/supabase/server.js';
import { supabaseWebClient } from '../../dev/servers/supabase/web-client.js';
import { rows, testContext, type TestContext } from '../../helpers/replica.js';

export const SCENARIO_BACKENDS = ['convex', 'supabase', 'memory'] as const;
export type ScenarioBackend = (typeof SCENARIO_BACKENDS)[number];

export interface TestReplica {
  ctx: TestContext;
  add(title: string, input?: Omit<TaskInput, 'title'>): string;
  update(id: string, input: TaskInput): void;
  sync(options?: SyncOptions): ReturnType<typeof syncOnce>;
  /** The tasks of one workspace (its local id; default the personal one). */
  tasks(workspace?: string): ReturnType<typeof listTasks>;
  /** A task of any workspace, by id. */
  task(id: string): ReturnType<typeof listTasks>[number];
  outbox(): { seq: number; state: string; attempts: number; fields: string }[];
}

export interface WebClient {
  /** Create a record of any declared table. */
  create(table: string, recordId: string, fields: Fields): Promise<unknown>;
  createTask(recordId: string, fields: Fields): Promise<unknown>;
  updateTask(recordId: string, fields: Fields): Promise<unknown>;
  updateProject(recordId: string, fields: Fields): Promise<unknown>;
}

/** Wrap a backend (e.g. to drop a response or act during a push). */
export type BackendWrapper = (backend: Backend) => Backend;

/** A running local server of any kind. */
export interface ScenarioServer {
  url: string;
  /** A backend adapter acting as `user`. */
  backend(user: string): Promise<Backend>;
  /** A web app writing directly, as `user`. */
  web(user: string): Promise<WebClient>;
  /** Close the listening socket (clients see it unreachable); the data stays. */
  stop(): Promise<void>;
  /** Listen again on the same port with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface Scenario {
  readonly kind: ScenarioBackend;
  readonly server: ScenarioServer;
  replica(options?: { user?: string; wrap?: BackendWrapper }): Promise<TestReplica>;
  /** A web app writing directly through the "web side" functions. */
  web(user?: string): Promise<WebClient>;
  /** Another, empty server of the same kind (the caller closes it). */
  startServer(): Promise<ScenarioServer>;
}

const TIMEOUT_MS = 5_000;
/** PGlite is PostgreSQL compiled to WebAssembly: a 500-op push can take seconds on a busy machine. */
const SUPABASE_TIMEOUT_MS = 30_000;

/** A local server of `kind`, behind the adapter the CLI would use. */
export async function startScenarioServer(kind: ScenarioBackend): Promise<ScenarioServer> {
  if (kind === 'convex') {
    const server = await startConvexServer();
    return {
      ...server,
      backend: async (user) => createConvexBackend({ url: server.url, token: await server.mintToken(user), timeoutMs: TIMEOUT_MS }),
      async web(user) {
        const client = new ConvexHttpClient(server.url, { logger: false });
        client.setAuth(await server.mintToken(user));
        return {
          create: (table, recordId, fields) => client.mutation(api.web.create, { table, recordId, fields }),
          createTask: (recordId, fields) => client.mutation(api.web.create, { table: 'tasks', recordId, fields }),
          updateTask: (recordId, fields) => client.mutation(api.web.update, { table: 'tasks', recordId, fields }),
          updateProject: (recordId, fields) => client.mutation(api.web.update, { table: 'projects', recordId, fields }),
        };
      },
    };
  }
  if (kind === 'memory') return memoryScenarioServer();
  const server = await startSupabaseServer();
  return {
    url: server.url,
    stop: server.stop,
    start: server.start,
    close: server.close,
    backend: async (user) =>
      createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken(user), timeoutMs: SUPABASE_TIMEOUT_MS }),
    web: async (user) => supabaseWebClient(server.url, server.anonKey, await server.mintToken(user)),
  };
}

function memoryScenarioServer(): ScenarioServer {
  const server = new MemoryServer();
  const write = (user: string, kind: 'create' | 'update', table: string) => (recordId: string, fields: Fields) =>
    server.webWrite(server.token(user), kind, table, recordId, fields);
  return {
    url: 'memory://scenario',
    backend: async (user) => createMemoryBackend({ server, token: server.token(user) }),
    web: async (user) => ({
      create: (table, recordId, fields) => write(user, 'create', table)(recordId, fields),
      createTask: write(user, 'create', 'tasks'),
      updateTask: write(user, 'update', 'tasks'),
      updateProject: write(user, 'update', 'projects'),
    }),
    stop: async () => server.stop(),
    start: async () => server.start(),
    close: async () => server.stop(),
  };
}

/** Two replicas of `user` holding one synced task (tagged `tags`). */
export async function twoReplicas(scenario: Scenario, user: string, tags: string[] = []): Promise<{ a: TestReplica; b: TestReplica; id: string }> {
  const a = await scenario.replica({ user });
  const b = await scenario.replica({ user });
  const id = a.add('Pay rent', tags.length ? { tag: tags } : {});
  await a.sync();
  await b.sync();
  return { a, b, id };
}

/** Run a command on `replica` with a fresh recording reporter: its output, and what the command returned (an exit code, for some). */
export async function runCommand(
  replica: TestReplica,
  json: boolean,
  command: (ctx: TestReplica['ctx']) => Promise<unknown>,
): Promise<{ output: string; returned: unknown }> {
  const ctx = { ...replica.ctx, reporter: createMemoryReporter(json) };
  const returned = await command(ctx);
  return { output: ctx.reporter.stdout.join('\n'), returned };
}

/** Start one server of `kind` for the enclosing describe block; stopped after its tests. */
export function useScenario(kind: ScenarioBackend = 'convex'): Scenario {
  let server: ScenarioServer;
  beforeAll(async () => {
    server = await startScenarioServer(kind);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    kind,
    get server() {
      return server;
    },
    async replica({ user = 'alice', wrap } = {}) {
      const ctx = testContext({
        json: true,
        backendFactory: async () => {
          const backend = await server.backend(user);
          return wrap ? wrap(backend) : backend;
        },
      });
      const replica = () => ctx.replica();
      return {
        ctx,
        add: (title, input = {}) => addTask(replica(), { ...input, title }, Date.now()).id,
        update: (id, input) => void changeTask(replica(), id, input, Date.now()),
        sync: async (options = {}) => syncOnce(replica(), await ctx.backend(), options),
        tasks: (workspace) => listTasks(replica(), workspace === undefined ? {} : { workspace }),
        task: (id) => getTask(replica(), id)!,
        outbox: () => rows(replica(), 'outbox'),
      };
    },
    web: (user = 'alice') => server.web(user),
    startServer: () => startScenarioServer(kind),
  };
}
