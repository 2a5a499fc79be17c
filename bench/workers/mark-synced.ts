/**
 * Marking pushed ops synced, alone: a fresh replica with `ops` queued creates,
 * then either
 *  - `record`: every op's `applied` result recorded with ONE call of
 *    `recordPushResults` (one transaction, the whole outbox still present
 *    while each op is marked: the worst case for any per-op scan), or
 *  - `push`: `syncOnce(..., { mode: 'push' })` against an in-process double
 *    that accepts everything, in batches of `batchSize` (the engine's path).
 * Reports the wall and CPU time of that step only (seeding excluded; for
 * `push`, wall time inside the double subtracted), and the replica's counts
 * afterwards.
 *
 * Input: { replica: path of a new replica, ops, method: 'record' | 'push', batchSize }.
 */
import { openReplica } from '../../src/db/open.js';
import { duePendingOps } from '../../src/db/outbox.js';
import { recordPushResults } from '../../src/sync/record-results.js';
import { syncOnce } from '../../src/sync/engine.js';
import type { OpResult } from '../../src/schema/protocol.js';
import { acceptingBackend, emit, readInput, replicaFacts, seedCreates } from './fixtures.js';

type Method = 'record' | 'push';
const input = readInput<{ replica: string; ops: number; method: Method; batchSize: number }>();
const now = Date.now();
const replica = openReplica(input.replica);
seedCreates(replica, input.ops, now);

interface Timing {
  /** Wall time of the step. */
  ms: number;
  /** The process's CPU time over the step: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Wall time spent inside the double (not the client's). */
  serveMs: number;
}

async function timed(step: () => Promise<number> | number): Promise<Timing & { marked: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const marked = await step();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, serveMs: 0, marked };
}

/** recordPushResults over all ops at once, with results prepared beforehand. */
async function recordAll(): Promise<Timing & { marked: number }> {
  const ops = duePendingOps(replica, input.ops, now);
  const results: OpResult[] = ops.map((op, i) => ({ seq: op.seq, status: 'applied', version: i + 1, fields: op.fields }));
  return await timed(() => recordPushResults(replica, ops, results, now).pushed);
}

/** The engine's push against a double that accepts everything. */
async function pushAll(): Promise<Timing & { marked: number }> {
  const backend = acceptingBackend();
  const timing = await timed(async () => (await syncOnce(replica, backend, { mode: 'push', batchSize: input.batchSize, now: () => now })).pushed);
  return { ...timing, serveMs: backend.serveMs };
}

const timing = input.method === 'record' ? await recordAll() : await pushAll();
if (timing.marked !== input.ops) throw new Error(`${input.method}: marked ${timing.marked} of ${input.ops} ops`);
const facts = replicaFacts(replica);
replica.close();
emit({ method: input.method, ops: input.ops, batchSize: input.batchSize, ...timing, clientMs: timing.ms - timing.serveMs, facts });
