// Push of 10,000 queued ops to the local Convex server (its own process, real
// HTTP, the official client inside the built CLI): in batches of 200 and 500
// against the same ops pushed one op per request, the baseline, measured in
// the same run and bracketed by the batched runs (200, 500, baseline, 500,
// 200) so load drift on a busy machine hits both sides alike. Every run pushes a
// copy of the same replica into a fresh, empty server, and is verified on the
// server (the user's change counter) and in the replica (outbox empty, one
// distinct server version per task).
import { join } from 'node:path';
import { fmt, sectionFlags } from '../lib.mjs';
import { copyReplica, mintToken, queuedHome, replicaSyncFacts, runConvoyMetered, serverHead, startServer } from '../local-convex.mjs';

const TARGET_RATIO = 5;

/** Push the replica of `fromHome` (all `ops` of it) with `convoy sync --push-only --batch <batch>` into a fresh server. */
async function pushAttempt(ctx, { label, batch, ops, fromHome, token, index }, attempt) {
  const home = copyReplica(fromHome, join(ctx.tmp, `push-${index}-batch-${batch}-${attempt}`));
  const server = await startServer(ctx);
  try {
    ctx.log(`push: ${label}: ${fmt.int(ops)} ops to ${server.url}`);
    const serverCpuBefore = server.cpuMs();
    const env = { CONVOY_CONVEX_URL: server.url, CONVOY_CONVEX_TOKEN: token };
    const result = await runConvoyMetered(home, ['sync', '--push-only', '--batch', String(batch), '--json'], env).catch((error) => {
      throw Object.assign(new Error(`${error.message}\nlocal server's output: ${server.output() || '(none)'}`), { offline: / exited 3:/.test(error.message) });
    });
    const serverCpuMs = server.cpuMs() - serverCpuBefore;
    const head = await serverHead(server.url, token);
    verifyPush(label, ops, result.json, head, replicaSyncFacts(home));
    return {
      label,
      batch,
      ops,
      durationMs: result.json.durationMs,
      processWallMs: Math.round(result.wallMs),
      msPerOp: result.json.durationMs / ops,
      requests: result.http.requests,
      expectedRequests: Math.ceil(ops / batch),
      bytesSent: result.http.bytesSent,
      bytesReceived: result.http.bytesReceived,
      clientCpuMs: Math.round(result.cpuMs),
      clientSysMs: Math.round(result.sysMs),
      clientMaxRssKb: result.maxRssKb,
      serverCpuMs: Math.round(serverCpuMs),
    };
  } finally {
    await server.stop();
  }
}

/**
 * One measured push. A run that `convoy sync` ends as offline (exit 3: a
 * dropped connection, seen now and then on this loaded box) is repeated once
 * from scratch — fresh copy, fresh server — and the figures say so.
 */
async function pushRun(ctx, step) {
  try {
    const run = await pushAttempt(ctx, step, 1);
    ctx.log(`push: ${step.label}: ${fmt.ms(run.durationMs)}, ${fmt.int(run.requests)} requests`);
    return { ...run, retriedAfter: null };
  } catch (error) {
    if (!error.offline) throw error;
    const reason = error.message.split('\n')[0];
    ctx.log(`push: ${step.label}: ${reason}; repeating the run once from scratch`);
    const run = await pushAttempt(ctx, step, 2);
    ctx.log(`push: ${step.label} (repeated): ${fmt.ms(run.durationMs)}, ${fmt.int(run.requests)} requests`);
    return { ...run, retriedAfter: reason };
  }
}

/** Fail loudly unless every op was pushed exactly once and recorded as synced. */
function verifyPush(label, ops, summary, head, facts) {
  const problems = [];
  if (summary.pushed !== ops || summary.failed !== 0 || summary.rejected !== 0) problems.push(`summary ${JSON.stringify(summary)}`);
  if (head !== ops) problems.push(`server change counter ${head}, expected ${ops}`);
  if (facts.ops !== 0) problems.push(`${facts.ops} ops still queued`);
  if (facts.synced !== ops || facts.distinctVersions !== ops || facts.maxVersion !== ops) problems.push(`replica ${JSON.stringify(facts)}`);
  if (problems.length) throw new Error(`push ${label}: ${problems.join('; ')}`);
}

function runRow(run, baselineSampled, totalOps) {
  const sample = baselineSampled && run.batch === 1 ? ` — SAMPLE of ${fmt.int(run.ops)} ops, not ${fmt.int(totalOps)}` : '';
  const repeated = run.retriedAfter ? ` — repeated after: ${run.retriedAfter}` : '';
  return {
    metric: `push ${fmt.int(run.ops)} ops, ${run.label}`,
    value:
      `${fmt.ms(run.durationMs)} (${(run.msPerOp * 1000).toFixed(0)} µs/op; ${fmt.int(run.requests)} requests; ` +
      `sent ${fmt.bytes(run.bytesSent)}, received ${fmt.bytes(run.bytesReceived)}; client CPU ${fmt.ms(run.clientCpuMs)} (sys ${fmt.ms(run.clientSysMs)}), ` +
      `peak RSS ${fmt.mib(run.clientMaxRssKb)}; server CPU ${fmt.ms(run.serverCpuMs)})${sample}${repeated}`,
  };
}

/** Mean time per op (wall and client + server CPU) of the runs of one batch size. */
function perOp(runs) {
  const mean = (f) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return { wall: mean((r) => r.msPerOp), cpu: mean((r) => (r.clientCpuMs + r.serverCpuMs) / r.ops) };
}

export default {
  name: 'push',
  summary: 'push 10,000 queued ops to the local Convex server, batches of 200/500 vs one op per request [--push-ops=N --push-baseline-ops=N]',
  flags: { 'push-ops': { default: 10_000, min: 1 }, 'push-baseline-ops': { default: 10_000, min: 1 } },
  async run(ctx) {
    const ops = sectionFlags.pushOps;
    const baselineOps = Math.min(sectionFlags.pushBaselineOps, ops);
    const sampled = baselineOps < ops;
    const home = await queuedHome(ctx, ops);
    const baselineHome = sampled ? await queuedHome(ctx, baselineOps, ops) : home;
    const batch = (size) => ({ label: `batch ${size}`, batch: size, ops, fromHome: home });
    const baselineStep = { label: 'one op per request (baseline)', batch: 1, ops: baselineOps, fromHome: baselineHome };
    // Batched runs before and after the baseline, in mirrored order, so each
    // batch size's mean sits at the baseline's point in time.
    const plan = [batch(200), batch(500), baselineStep, batch(500), batch(200)];
    const runs = [];
    for (const [index, step] of plan.entries()) runs.push(await pushRun(ctx, { ...step, index, token: await mintToken(ctx, `push-${index}`) }));
    const baseline = perOp(runs.filter((r) => r.batch === 1));
    const sizes = [200, 500].map((size) => ({ size, ...perOp(runs.filter((r) => r.batch === size)) }));
    const round = (v) => Math.round(v * 100) / 100;
    const ratios = Object.fromEntries(sizes.map((b) => [`batch${b.size}`, { wall: round(baseline.wall / b.wall), cpu: round(baseline.cpu / b.cpu) }]));
    const figures = {
      ops,
      baselineOps,
      baselineSampled: sampled,
      runs,
      ratios,
      ratioBasis: sampled ? 'time per op (the baseline pushed a sample)' : `time of the same ${ops} ops; batched: mean of the runs before and after the baseline`,
      targetRatio: TARGET_RATIO,
      verified: true,
    };
    const rows = [
      ...runs.map((r) => runRow(r, sampled, ops)),
      ...sizes.map(({ size }) => ({
        metric: `push speed-up, batch ${size} over one op per request${sampled ? ' (per op)' : ''}`,
        value: `${fmt.ratio(ratios[`batch${size}`].wall)} (mean of both batch ${size} runs)`,
        target: `≥ ${TARGET_RATIO}×`,
        ok: ratios[`batch${size}`].wall >= TARGET_RATIO,
      })),
      {
        metric: 'push: CPU (client + server) per op, one op per request over batch 200 / 500',
        value: `${fmt.ratio(ratios.batch200.cpu)} / ${fmt.ratio(ratios.batch500.cpu)} (cross-check of the wall ratios, less swayed by other load)`,
      },
      { metric: 'push: verified', value: 'each run: server counter = ops, outbox empty, one distinct server version per task' },
      { metric: 'push: how measured', value: "wall = the CLI's own sync duration; requests and bytes (headers included) counted on the client's sockets (bench/http-probe.cjs)" },
    ];
    if (sampled) rows.push({ metric: 'push: NOTE', value: `the one-op-per-request baseline pushed a sample of ${fmt.int(baselineOps)} ops; ratios compare time per op` });
    return { figures, rows };
  },
};
