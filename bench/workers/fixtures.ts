/**
 * Shared by the bench's TypeScript workers (started by `runWorker` in
 * bench/lib.mjs under tsx): input and result plumbing, a replica of queued
 * creates, and in-process Backend doubles standing in for a server, so the
 * client's own cost can be measured without a network or a server.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Replica } from '../../src/db/open.js';
import { createTask } from '../../src/db/tasks.js';
import { personalWorkspaceOnly, pullAllByPages, type Backend } from '../../src/sync/backend.js';
import type { OpResult, PullPage, PullRequest, PushBatch, PushResult, RemoteRecord } from '../../src/schema/protocol.js';

/** The worker's input: one JSON argument. */
export function readInput<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** The worker's result: the last stdout line, read by runWorker. */
export function emit(result: object): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

const STATUSES = ['todo', 'todo', 'in_progress', 'done', 'canceled'] as const;

/** Queue `count` task creates in one transaction (the way `convoy import` does). */
export function seedCreates(replica: Replica, count: number, now: number): void {
  replica.write((tx) => {
    for (let i = 0; i < count; i++) {
      createTask(tx, { title: `Bench task #${i}`, status: STATUSES[i % STATUSES.length], stage: i % 3 ? '' : 'triage' }, now);
    }
  });
}

/** Counts that show whether a sync did what it should, read from the replica. */
export function replicaFacts(replica: Replica) {
  const one = (sql: string) => (replica.sqlite.prepare(sql).get() as { n: number | null } | undefined)?.n ?? null;
  return {
    tasks: one('SELECT count(*) AS n FROM tasks'),
    synced: one("SELECT count(*) AS n FROM tasks WHERE sync_status = 'synced'"),
    versioned: one('SELECT count(*) AS n FROM tasks WHERE server_version IS NOT NULL'),
    maxVersion: one('SELECT max(server_version) AS n FROM tasks'),
    ops: one('SELECT count(*) AS n FROM outbox'),
    cursor: one("SELECT cursor AS n FROM sync_state WHERE table_name = 'tasks'"),
    initialSyncDone: one("SELECT initial_sync_done AS n FROM sync_state WHERE table_name = 'tasks'"),
  };
}

/** Time spent inside a double, so the client's share can be told apart. */
export interface Metered {
  serveMs: number;
  calls: number;
}

// Benchmarks never verify: a checksum call is a bug in the bench.
const noLiveFeed = {
  ...personalWorkspaceOnly(),
  ping: async () => {},
  close: async () => {},
  checksum: async (): Promise<never> => {
    throw new Error('the bench doubles serve no checksums');
  },
};

/**
 * A server that accepts every op: `applied`, the next version, and the op's
 * fields as the record's state (what a real server answers for a create).
 */
export function acceptingBackend(): Backend & Metered {
  let version = 0;
  const backend: Backend & Metered = {
    kind: 'convex',
    url: 'memory://accept-all',
    serveMs: 0,
    calls: 0,
    push: async (batch: PushBatch): Promise<PushResult> => {
      const started = performance.now();
      const results: OpResult[] = batch.ops.map((op) => ({ seq: op.seq, status: 'applied', version: ++version, fields: op.fields }));
      backend.serveMs += performance.now() - started;
      backend.calls++;
      return { results };
    },
    pull: async (request: PullRequest): Promise<PullPage> => ({ changes: [], cursor: request.cursor, hasMore: false, headVersion: version }),
    pullAll: (request) => pullAllByPages((r) => backend.pull(r), request),
    ...noLiveFeed,
  };
  return backend;
}

/** The record a generating server holds at `version` (1-based): varied, realistic fields. */
function generatedTask(version: number, now: number): RemoteRecord {
  const status = STATUSES[version % STATUSES.length]!;
  return {
    recordId: uuidv7(),
    version,
    fields: {
      title: `Remote task #${version}${version % 10 === 0 ? ' — with a longer tail, as some titles have' : ''}`,
      description: version % 3 === 0 ? `Written on the web for record ${version}.` : '',
      status,
      stage: version % 4 === 0 ? 'review' : '',
      projectId: null,
      parentId: null,
      completedAt: status === 'done' ? now : null,
      createdAt: now - version,
    },
  };
}

/**
 * A server holding `rows` tasks (and no projects) that it generates page by
 * page on demand, never all at once, so the worker's memory is the client's.
 */
export function generatingBackend(rows: number, now: number): Backend & Metered {
  const backend: Backend & Metered = {
    kind: 'convex',
    url: 'memory://generated',
    serveMs: 0,
    calls: 0,
    push: async (): Promise<PushResult> => {
      throw new Error('the generating double only serves pulls');
    },
    pull: async (request: PullRequest): Promise<PullPage> => {
      const started = performance.now();
      const total = request.table === 'tasks' ? rows : 0;
      const last = Math.min(total, request.cursor + request.limit);
      const changes: RemoteRecord[] = [];
      for (let version = request.cursor + 1; version <= last; version++) changes.push(generatedTask(version, now));
      backend.serveMs += performance.now() - started;
      backend.calls++;
      return { changes, cursor: Math.max(request.cursor, last), hasMore: last < total, headVersion: total };
    },
    pullAll: (request) => pullAllByPages((r) => backend.pull(r), request),
    ...noLiveFeed,
  };
  return backend;
}
