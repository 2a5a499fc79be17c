/**
 * Client cost of a pull, alone: `syncOnce(..., { mode: 'pull' })` into a
 * fresh replica from an in-process double that generates `rows` tasks page
 * by page (no network, no server). Reports the engine's wall time, the share
 * spent generating pages inside the double, the process's CPU time over the
 * same span (less sensitive than wall time to a busy machine), and resident
 * memory sampled after every page (the process's peak comes from the rusage
 * probe).
 *
 * Input: { replica: path of a new replica, rows, pageSize }.
 */
import { openReplica } from '../../src/db/open.js';
import { syncOnce } from '../../src/sync/engine.js';
import { emit, generatingBackend, readInput, replicaFacts } from './fixtures.js';

const input = readInput<{ replica: string; rows: number; pageSize: number }>();
const now = Date.now();
const replica = openReplica(input.replica);
const backend = generatingBackend(input.rows, now);
const kb = (bytes: number) => Math.round(bytes / 1024);

const rssBeforeKb = kb(process.memoryUsage().rss);
let peakRssKb = rssBeforeKb;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const summary = await syncOnce(replica, backend, {
  mode: 'pull',
  pageSize: input.pageSize,
  now: () => now,
  onProgress: () => {
    peakRssKb = Math.max(peakRssKb, kb(process.memoryUsage().rss));
  },
});
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
const facts = replicaFacts(replica);
replica.close();

emit({ pulled: summary.pulled, wallMs, cpuMs, serveMs: backend.serveMs, pages: backend.calls, rssBeforeKb, peakRssKb, facts });
