/**
 * `push`: apply a replica's queued ops, in order, in one transaction.
 *
 * Contract (src/sync/backend.ts `Backend.push`): idempotent per client and
 * sequence number; returns one result per op, in op order; a permanently
 * rejected op still advances the client's applied sequence. Each op that
 * changes a record takes the next value of the user's change counter as its
 * version (model/counter.ts says why a counter and not `_creationTime`).
 *
 * Throws (ConvexError, nothing applied) only for a malformed batch: more than
 * 500 ops, sequence numbers not increasing, a bad client id; and
 * "unauthenticated" without identity. Data problems are per-op rejections.
 */
import { ConvexError, v, type Infer } from 'convex/values';
import { mutation, type DatabaseWriter } from './_generated/server.js';
import { checkFields, isUuid } from '../src/schema/rules.js';
import { tableDecl } from '../src/schema/registry.js';
import type { ConflictPolicy, OpResult } from '../src/schema/protocol.js';
import { VersionCounter } from './model/counter.js';
import { requireUser } from './model/identity.js';
import { wireFieldsValidator } from './model/fields.js';
import { findRecord, recordFields, writeRecord } from './model/records.js';
import { opResultValidator, policyValidator } from './model/results.js';
import { settleUpdate } from '../src/schema/server/settle.js';
import { loadClient, pruneResults, replayResult, saveClient } from './model/clients.js';

/** Largest batch accepted; keeps a batch well inside Convex's per-transaction limits. */
export const MAX_PUSH_OPS = 500;

const kind = v.union(v.literal('create'), v.literal('update'));
const common = { seq: v.number(), recordId: v.string(), kind, baseVersion: v.union(v.null(), v.number()), clientTime: v.number() };
const opValidator = v.union(
  v.object({ ...common, table: v.literal('tasks'), fields: wireFieldsValidator.tasks }),
  v.object({ ...common, table: v.literal('projects'), fields: wireFieldsValidator.projects }),
);
type WireOp = Infer<typeof opValidator>;

export const push = mutation({
  args: {
    clientId: v.string(),
    policies: v.object({ tasks: policyValidator, projects: policyValidator }),
    ops: v.array(opValidator),
  },
  returns: v.object({ results: v.array(opResultValidator) }),
  handler: async (ctx, args) => {
    const userId = await requireUser(ctx);
    checkBatch(args.clientId, args.ops);
    const client = await loadClient(ctx.db, userId, args.clientId);
    await pruneResults(ctx.db, userId, args.clientId, args.ops[0]?.seq);
    const counter = await VersionCounter.open(ctx.db, userId);
    let lastSeq = client?.lastSeq ?? 0;
    const results: OpResult[] = [];
    for (const op of args.ops) {
      if (op.seq <= lastSeq) {
        results.push(await replayResult(ctx.db, userId, args.clientId, op));
        continue;
      }
      const writer = { userId, clientId: args.clientId, policy: args.policies[op.table] };
      const result = await applyOp(ctx.db, counter, writer, op);
      await ctx.db.insert('opResults', { userId, clientId: args.clientId, seq: op.seq, result });
      results.push(result);
      lastSeq = op.seq;
    }
    await counter.save(ctx.db);
    await saveClient(ctx.db, client, { userId, clientId: args.clientId, lastSeq });
    return { results };
  },
});

/** Refuse malformed batches outright (a client bug, not a data problem). */
function checkBatch(clientId: string, ops: WireOp[]): void {
  const bad = (message: string) => new ConvexError({ code: 'bad_request', message });
  if (ops.length > MAX_PUSH_OPS) {
    throw new ConvexError({ code: 'batch_too_large', message: `${ops.length} ops in one push; send at most ${MAX_PUSH_OPS}` });
  }
  if (clientId === '' || clientId === 'web' || clientId.length > 200) throw bad(`invalid client id ${JSON.stringify(clientId)}`);
  ops.forEach((op, i) => {
    if (!Number.isSafeInteger(op.seq) || op.seq < 1) throw bad(`op ${i}: seq must be a positive integer`);
    const prev = ops[i - 1];
    if (prev !== undefined && op.seq <= prev.seq) throw bad(`op ${i}: seq ${op.seq} does not increase`);
  });
}

interface Writer {
  userId: string;
  clientId: string;
  policy: ConflictPolicy;
}

/** Apply one new op. Data problems become a `rejected` result, never a thrown error. */
async function applyOp(db: DatabaseWriter, counter: VersionCounter, w: Writer, op: WireOp): Promise<OpResult> {
  const rejected = (reason: string): OpResult => ({ seq: op.seq, status: 'rejected', reason });
  if (!isUuid(op.recordId)) return rejected(`recordId ${JSON.stringify(op.recordId)} is not a full lowercase UUID`);
  const problem = checkFields(tableDecl(op.table), op.fields, op.kind);
  if (problem !== null) return rejected(problem.message);
  const existing = await findRecord(db, op.table, w.userId, op.recordId);
  const target = { table: op.table, userId: w.userId, recordId: op.recordId, writer: w.clientId, time: op.clientTime };
  if (existing === null) {
    if (op.kind === 'update') return rejected('unknown record');
    const state = await writeRecord(db, counter, { ...target, existing: null, fields: op.fields });
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
    current: recordFields(op.table, existing),
    fieldVersions: existing.fieldVersions,
    fieldWriters: existing.fieldWriters,
    fieldTimes: existing.fieldTimes,
  });
  const state = await writeRecord(db, counter, { ...target, existing, fields: settled.writes });
  if (settled.conflicts.length > 0) return { seq: op.seq, status: 'conflict', ...state, conflicts: settled.conflicts };
  return { seq: op.seq, status: settled.othersChanged ? 'merged' : 'applied', ...state };
}
