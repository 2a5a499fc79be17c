// Marking pushed ops synced at 10,000 / 25,000 / 50,000 queued ops, to show
// the cost is linear in the number of ops (a well-known sync library takes
// ~18 s for 50,000 because its mark-as-synced is quadratic). Two ways, each
// size and way in a fresh worker process (bench/workers/mark-synced.ts):
// `recordPushResults` over all ops in one call, and the engine's whole push
// path (`syncOnce` push, batches of 200) against an in-process double that
// accepts everything. No network, no server: this is the client's own cost.
import { join } from 'node:path';
import { fmt, runWorker } from '../lib.mjs';

const SIZES = [10_000, 25_000, 50_000];
const METHODS = [
  { key: 'record', label: 'recordPushResults, all ops in one call' },
  { key: 'push', label: 'syncOnce push, batches of 200, accept-all double' },
];
/** Largest per-op cost growth from the smallest to the largest size still called linear (quadratic would be 5×). */
const LINEAR_SLACK = 1.5;
/** What the quadratic library needs for 50,000 ops, for scale. */
const REFERENCE_50K_MS = 18_000;

async function markRun(ctx, method, ops) {
  const replica = join(ctx.tmp, 'mark-synced', `${method}-${ops}.db`);
  const { output, maxRssKb } = await runWorker('mark-synced.ts', { replica, ops, method, batchSize: 200 });
  const { facts } = output;
  if (facts.ops !== 0 || facts.tasks !== ops || facts.synced !== ops || facts.versioned !== ops) {
    throw new Error(`mark-synced ${method} ${ops}: replica after marking ${JSON.stringify(facts)}`);
  }
  ctx.log(`mark-synced: ${method} ${fmt.int(ops)}: ${fmt.ms(output.clientMs)} (CPU ${fmt.ms(output.cpuMs)})`);
  return {
    ops,
    ms: Math.round(output.clientMs),
    cpuMs: Math.round(output.cpuMs),
    usPerOp: Math.round((output.clientMs / ops) * 1000),
    cpuUsPerOp: Math.round((output.cpuMs / ops) * 1000),
    maxRssKb,
  };
}

/**
 * Time ratios of each size to the smallest (linear ≈ the size ratio,
 * quadratic ≈ its square), on CPU time: on a machine shared with other work,
 * wall time swings more than the cost being measured.
 */
function growth(runs) {
  const [first] = runs;
  const last = runs.at(-1);
  const round = (v) => Math.round(v * 100) / 100;
  return {
    cpuTimeRatios: runs.map((r) => round(r.cpuMs / first.cpuMs)),
    wallTimeRatios: runs.map((r) => round(r.ms / first.ms)),
    sizeRatios: runs.map((r) => r.ops / first.ops),
    cpuPerOpGrowth: round(last.cpuUsPerOp / first.cpuUsPerOp),
  };
}

export default {
  name: 'mark-synced',
  summary: 'marking 10k/25k/50k pushed ops synced (recordPushResults; syncOnce push to a double): linear?',
  async run(ctx) {
    const runs = Object.fromEntries(METHODS.map((m) => [m.key, []]));
    // Sizes in the outer loop: both ways see the same stretch of machine load.
    for (const ops of SIZES) for (const method of METHODS) runs[method.key].push(await markRun(ctx, method.key, ops));
    const figures = { sizes: SIZES, linearSlack: LINEAR_SLACK, verified: true };
    const rows = [];
    for (const method of METHODS) {
      const list = runs[method.key];
      const g = growth(list);
      figures[method.key] = { runs: list, ...g };
      rows.push({
        metric: `mark synced, ${method.label}: wall (CPU)`,
        value: list.map((r) => `${fmt.int(r.ops)}: ${fmt.ms(r.ms)} (${fmt.ms(r.cpuMs)}; ${r.cpuUsPerOp} µs CPU/op)`).join('; '),
      });
      rows.push({
        metric: `mark synced, ${method.key}: CPU time ratio to 10k`,
        value:
          `${g.cpuTimeRatios.map((r) => `${r.toFixed(2)}×`).join(' / ')} for sizes ${g.sizeRatios.map((r) => `${r}×`).join(' / ')} ` +
          `(per-op CPU ×${g.cpuPerOpGrowth}; wall ${g.wallTimeRatios.map((r) => `${r.toFixed(2)}×`).join(' / ')})`,
        target: `linear (per-op ≤ ×${LINEAR_SLACK})`,
        ok: g.cpuPerOpGrowth <= LINEAR_SLACK,
      });
    }
    const largest = (key) => runs[key].find((r) => r.ops === 50_000);
    if (largest('record')) {
      rows.push({
        metric: 'mark synced 50,000 vs the quadratic library (~18 s)',
        value: `recordPushResults ${fmt.ms(largest('record').cpuMs)} CPU, syncOnce push ${fmt.ms(largest('push').cpuMs)} CPU (${(largest('record').cpuMs / REFERENCE_50K_MS).toFixed(2)}× / ${(largest('push').cpuMs / REFERENCE_50K_MS).toFixed(2)}× of 18 s)`,
      });
    }
    rows.push({ metric: 'mark synced: verified', value: 'after each run: outbox empty, every task synced with a server version' });
    return { figures, rows };
  },
};
