/**
 * The server's answer to a push batch, over any `SyncStore`: batch checks,
 * idempotent replay, per-op validation, field settlement, versions and the
 * results. The Convex `push` mutation and the in-memory backend both call
 * `applyPush`; the Supabase SQL mirrors it (kept equal by the parity tests).
 */
import type { TableDecl } from '../declare.js';
import type { FieldConflict, Identity, OpResult, PushBatch, PushOp, PushResult } from '../protocol.js';
import { findTable, type Registry } from '../registry.js';
import { checkFields, isUuid } from '../rules.js';
import { recordFields, VersionCounter, writeRecord } from './records.js';
import { settleUpdate } from './settle.js';
import { ServerError, type SyncStore } from './store.js';

/**
 * Largest batch accepted: keeps a batch well inside Convex's per-transaction
 * limits and Supabase's statement timeout. Clients send less (each backend's
 * PushLimits); an older server's smaller limit is honoured when it says so.
 */
export const MAX_PUSH_OPS = 2_000;

/** The client id web writes record as their writer; no replica may use it. */
export const WEB_WRITER = 'web';

/** Who pushes: the user behind the batch's replica, and how to name any user (conflicts name the remote value's writer). */
export interface Pusher {
  userId: string;
  /** A user's display name as the server remembers it (src/schema/server/workspaces.ts); null when none. */
  nameOf(userId: string): Promise<string | null>;
}

/**
 * Apply a replica's ops in order. Run it inside one store transaction.
 *
 * Idempotent per client and sequence number: an op at or below the client's
 * last applied sequence gets its stored result (or, once pruned, the record's
 * current state) and is never applied twice. Returns one result per op, in op
 * order; a rejected op still advances the client's applied sequence. Stored
 * results below the batch's first sequence are forgotten: the replica sends
 * its ops in order, so it has recorded them.
 *
 * Throws ServerError (nothing applied) only for a malformed batch: more than
 * 500 ops, sequence numbers not increasing, a bad client id, a table not in
 * `registry`, a field its table does not declare or a value that is no
 * scalar (what the Convex argument validators and the SQL refuse alike).
 * Bad values of declared fields are per-op rejections.
 */
export async function applyPush(store: SyncStore, registry: Registry, batch: PushBatch, pusher: Pusher | null = null): Promise<PushResult> {
  const tables = checkBatch(registry, batch);
  const { clientId, ops } = batch;
  const firstLastSeq = await store.lastSeq(clientId);
  if (ops[0] !== undefined) await store.pruneResults(clientId, ops[0].seq);
  const counter = await VersionCounter.open(store);
  let lastSeq = firstLastSeq;
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    const table = tables[i]!;
    if (op.seq <= lastSeq) {
      results.push(await replayResult(store, table, clientId, op));
      continue;
    }
    const policy = batch.policies[op.table] ?? table.policy;
    const result = await applyOp(store, counter, { clientId, policy, table, pusher }, op);
    await store.storeResult(clientId, result);
    results.push(result);
    lastSeq = op.seq;
  }
  await counter.save(store);
  if (lastSeq > firstLastSeq) await store.saveLastSeq(clientId, lastSeq, pusher?.userId ?? null);
  return { results };
}

/** Refuse malformed batches outright (a client bug, not a data problem). Returns each op's table. */
export function checkBatch(registry: Registry, batch: PushBatch): TableDecl[] {
  const { clientId, ops } = batch;
  const bad = (message: string) => new ServerError('bad_request', message);
  if (ops.length > MAX_PUSH_OPS) throw new ServerError('batch_too_large', `${ops.length} ops in one push; send at most ${MAX_PUSH_OPS}`);
  if (clientId === '' || clientId === WEB_WRITER || clientId.length > 200) throw bad(`invalid client id ${JSON.stringify(clientId)}`);
  return ops.map((op, i) => {
    if (!Number.isSafeInteger(op.seq) || op.seq < 1) throw bad(`op ${i}: seq must be a positive integer`);
    const prev = ops[i - 1];
    if (prev !== undefined && op.seq <= prev.seq) throw bad(`op ${i}: seq ${op.seq} does not increase`);
    const table = findTable(op.table, registry);
    if (table === undefined) throw bad(`op ${i}: unknown table ${JSON.stringify(op.table)}`);
    for (const [field, value] of Object.entries(op.fields)) {
      if (!Object.hasOwn(table.fields, field) || !isScalar(value)) {
        throw bad(`op ${i}: field ${field} is not a field of ${table.name}, or its value is not a string, number or null`);
      }
    }
    return table;
  });
}

const isScalar = (value: unknown) => value === null || typeof value === 'string' || typeof value === 'number';

/**
 * The answer for an op at or below the client's last applied sequence: the
 * stored result when there is one. Without one (a replica that lost its state
 * and resends long-acknowledged ops), answer from the record's current state
 * rather than applying the op twice.
 */
async function replayResult(store: SyncStore, table: TableDecl, clientId: string, op: PushOp): Promise<OpResult> {
  const stored = await store.storedResult(clientId, op.seq);
  if (stored !== null) return stored;
  const row = isUuid(op.recordId) ? await store.findRecord(table.name, op.recordId) : null;
  if (row === null) return { seq: op.seq, status: 'rejected', reason: 'already processed; its result is no longer stored' };
  return { seq: op.seq, status: 'applied', version: row.version, fields: recordFields(table, row) };
}

interface Writer {
  clientId: string;
  policy: PushBatch['policies'][string];
  table: TableDecl;
  pusher: Pusher | null;
}

/** Apply one new op. Data problems become a `rejected` result, never a thrown error. */
async function applyOp(store: SyncStore, counter: VersionCounter, w: Writer, op: PushOp): Promise<OpResult> {
  const rejected = (reason: string): OpResult => ({ seq: op.seq, status: 'rejected', reason });
  if (!isUuid(op.recordId)) return rejected(`recordId ${JSON.stringify(op.recordId)} is not a full lowercase UUID`);
  const problem = checkFields(w.table, op.fields, op.kind);
  if (problem !== null) return rejected(problem.message);
  const existing = await store.findRecord(w.table.name, op.recordId);
  const target = { table: w.table, recordId: op.recordId, writer: w.clientId, time: op.clientTime };
  if (existing === null) {
    if (op.kind === 'update') return rejected('unknown record');
    const state = await writeRecord(store, counter, { ...target, existing: null, fields: op.fields });
    return { seq: op.seq, status: 'applied', ...state };
  }
  // A create of a record the server already has (e.g. created by another
  // replica with the same id) is an update that never saw the server version.
  const settled = settleUpdate({
    fields: op.fields,
    baseVersion: op.kind === 'create' ? null : op.baseVersion,
    clientTime: op.clientTime,
    clientId: w.clientId,
    policy: w.policy,
    current: recordFields(w.table, existing),
    fieldVersions: existing.fieldVersions,
    fieldWriters: existing.fieldWriters,
    fieldTimes: existing.fieldTimes,
  });
  const state = await writeRecord(store, counter, { ...target, existing, fields: settled.writes });
  if (settled.conflicts.length > 0) {
    const conflicts = await namedWriters(store, w.pusher, settled.conflicts, existing.fieldWriters);
    return { seq: op.seq, status: 'conflict', ...state, conflicts };
  }
  return { seq: op.seq, status: settled.othersChanged ? 'merged' : 'applied', ...state };
}

/**
 * Each conflict with `remoteWriter`: the user behind the replica that last
 * wrote the remote value (from the clients bookkeeping), null for a web
 * write or a replica the server knows no user of. Left out without a pusher.
 */
async function namedWriters(store: SyncStore, pusher: Pusher | null, conflicts: FieldConflict[], writers: Record<string, string>): Promise<FieldConflict[]> {
  if (pusher === null) return conflicts;
  return await Promise.all(
    conflicts.map(async (c) => {
      const writer = writers[c.field];
      const userId = writer === undefined || writer === WEB_WRITER ? null : await store.clientUser(writer);
      const remoteWriter: Identity | null = userId === null ? null : { userId, name: await pusher.nameOf(userId) };
      return { ...c, remoteWriter };
    }),
  );
}
