// The sync daemon (`convoy sync --watch --log-format json`, the built CLI)
// against a fresh local Convex server:
//  1. latency from a `convoy add` process returning (its exit) to the op being
//     on the server, over --daemon-adds sequential adds with small random gaps.
//     The server side is observed by polling its own `pull` query with the
//     official ConvexHttpClient every POLL_MS; an op counts as applied when the
//     first poll that returns it comes back, so figures are upper bounds, too
//     high by at most one poll interval plus one query.
//  2. idle CPU of the daemon over --idle-seconds with nothing to do, from
//     /proc/<pid>/stat (utime + stime) before and after; the daemon's default
//     10 s pull interval keeps running, as it would for a user.
// Verified: every added task reaches the server (its change counter equals
// the adds), the daemon's log accounts for every push, the outbox drains, and
// SIGTERM stops the daemon with exit 0.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertOk, CONVOY_BIN, convoyEnv, countRows, fmt, processCpuMs, quantile, runConvoy, sectionFlags } from '../lib.mjs';
import { convexClient, mintToken, serverHead, serverPull, startServer, stopChild } from '../local-convex.mjs';

const POLL_MS = 20;
const GAP_MS = [50, 300];
const ARRIVAL_TIMEOUT_MS = 30_000;
const SETTLE_MS = 3_000;
const TARGET_P95_MS = 1_000;
const TARGET_IDLE_CPU_PERCENT = 1;

/** Start the daemon; resolves once it has logged its start. Collects its JSON log lines with arrival times. */
async function startDaemon(home) {
  const child = spawn(process.execPath, [CONVOY_BIN, 'sync', '--watch', '--log-format', 'json'], { env: convoyEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  let text = '';
  const onLine = (line) => {
    text = (text + line + '\n').slice(-8192);
    try {
      events.push({ at: performance.now(), ...JSON.parse(line) });
    } catch {
      // Not a log record (a warning, say): kept in `text` for error messages.
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      const lines = (buffer + chunk).split('\n');
      buffer = lines.pop();
      lines.forEach(onLine);
    });
  }
  const deadline = performance.now() + 30_000;
  while (!events.some((e) => e.event === 'start')) {
    if (child.exitCode !== null || performance.now() > deadline) throw new Error(`daemon did not start (exit ${child.exitCode}):\n${text}`);
    await sleep(50);
  }
  return { child, events, log: () => text };
}

/** Poll the server's `pull` query, remembering when each record was first seen. A failed poll stops it (see `failure`). */
function startPoller(client) {
  const seen = new Map();
  let cursor = 0;
  let stopped = false;
  let polls = 0;
  let failure = null;
  const loop = (async () => {
    while (!stopped) {
      const page = await serverPull(client, cursor);
      const at = performance.now();
      polls++;
      for (const change of page.changes) if (!seen.has(change.recordId)) seen.set(change.recordId, at);
      cursor = page.cursor;
      if (!page.hasMore) await sleep(POLL_MS);
    }
  })().catch((error) => {
    failure = error;
  });
  return {
    seen,
    polls: () => polls,
    failure: () => failure,
    stop: async () => {
      stopped = true;
      await loop;
      if (failure) throw failure;
    },
  };
}

/** `count` sequential adds with random gaps; returns [{ id, exitAt }]. */
async function addTasks(ctx, home, count) {
  const adds = [];
  for (let i = 0; i < count; i++) {
    await sleep(GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
    const startedAt = performance.now();
    const result = assertOk(await runConvoy(home, ['add', `daemon bench #${i}`, '--json'], { capture: true }), 'convoy add');
    // runTimed's clock starts with the spawn, a few microseconds after startedAt.
    adds.push({ id: JSON.parse(result.stdout.toString('utf8')).id, exitAt: startedAt + result.wallMs });
  }
  return adds;
}

/** Wait until the poller has seen every added id; throws naming how many never arrived. */
async function awaitArrivals(poller, adds) {
  const deadline = performance.now() + ARRIVAL_TIMEOUT_MS;
  for (;;) {
    if (poller.failure()) throw new Error(`daemon: polling the server failed: ${poller.failure().message}`);
    const missing = adds.filter((a) => !poller.seen.has(a.id));
    if (missing.length === 0) return;
    if (performance.now() > deadline) throw new Error(`daemon: ${missing.length} of ${adds.length} added tasks never reached the server within ${ARRIVAL_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

/** The daemon's CPU share (%) over `seconds` of doing nothing, plus what it logged meanwhile. */
async function idleCpu(daemon, seconds) {
  const pid = daemon.child.pid;
  const eventsBefore = daemon.events.length;
  const cpuBefore = processCpuMs(pid);
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  const cpuMs = processCpuMs(pid) - cpuBefore;
  const wallMs = performance.now() - startedAt;
  return { seconds, cpuMs, percent: (cpuMs / wallMs) * 100, eventsLogged: daemon.events.length - eventsBefore };
}

/** Resident memory of a live process (/proc/<pid>/status), in KiB. */
function memoryKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') };
}

/** SIGTERM the daemon; returns its exit code (or signal) and how long it took. */
async function stopDaemon(daemon) {
  const startedAt = performance.now();
  await stopChild(daemon.child, 10_000);
  return { code: daemon.child.exitCode ?? daemon.child.signalCode, ms: performance.now() - startedAt };
}

/** Fail loudly unless the server, the replica and the daemon's own log agree that every add was pushed once. */
function verifyDaemon(adds, head, events, replicaPath) {
  const pushed = events.filter((e) => e.event === 'sync').reduce((sum, e) => sum + e.pushed, 0);
  const troubles = events.filter((e) => e.event === 'error' || e.event === 'offline');
  const queued = countRows(replicaPath).ops;
  const problems = [];
  if (head !== adds.length) problems.push(`server change counter ${head}, expected ${adds.length}`);
  if (pushed !== adds.length) problems.push(`daemon logged ${pushed} pushed ops, expected ${adds.length}`);
  if (queued !== 0) problems.push(`${queued} ops still queued`);
  if (troubles.length) problems.push(`daemon logged ${troubles.map((e) => `${e.event}: ${e.error}`).join('; ')}`);
  if (problems.length) throw new Error(`daemon: ${problems.join('; ')}`);
}

export default {
  name: 'daemon',
  summary: '`convoy sync --watch`: add → on-server latency p50/p95, idle CPU [--daemon-adds=100 --idle-seconds=60]',
  flags: { 'idle-seconds': { default: 60, min: 1 }, 'daemon-adds': { default: 100, min: 1 } },
  async run(ctx) {
    const { idleSeconds, daemonAdds } = sectionFlags;
    const token = await mintToken(ctx, 'daemon');
    const home = join(ctx.tmp, 'daemon-home');
    const server = await startServer(ctx);
    let daemon;
    try {
      assertOk(await runConvoy(home, ['init', '--convex', server.url, '--token', token, '--json'], { capture: true }), 'convoy init');
      daemon = await startDaemon(home);
      const poller = startPoller(convexClient(server.url, token));
      ctx.log(`daemon: pid ${daemon.child.pid} on ${server.url}; ${daemonAdds} adds`);
      const adds = await addTasks(ctx, home, daemonAdds);
      await awaitArrivals(poller, adds);
      await poller.stop();
      await sleep(SETTLE_MS); // let the daemon finish the cycle that pushed the last add
      verifyDaemon(adds, await serverHead(server.url, token), daemon.events, join(home, 'replica.db'));
      const latencies = adds.map((a) => poller.seen.get(a.id) - a.exitAt);
      ctx.log(`daemon: latency p50 ${fmt.ms(quantile(latencies, 0.5))}, p95 ${fmt.ms(quantile(latencies, 0.95))}; idle for ${idleSeconds} s`);
      const idle = await idleCpu(daemon, idleSeconds);
      const memory = memoryKb(daemon.child.pid);
      const stop = await stopDaemon(daemon);
      if (stop.code !== 0) throw new Error(`daemon: SIGTERM gave exit ${stop.code}:\n${daemon.log()}`);
      const round = (v) => Math.round(v * 10) / 10;
      const latency = {
        n: latencies.length,
        p50: round(quantile(latencies, 0.5)),
        p95: round(quantile(latencies, 0.95)),
        max: round(Math.max(...latencies)),
        min: round(Math.min(...latencies)),
      };
      const cycles = daemon.events.filter((e) => e.event === 'sync').length;
      const figures = {
        adds: daemonAdds,
        latencyMs: latency,
        observedBy: `polling the server's pull query every ${POLL_MS} ms (official ConvexHttpClient); ${poller.polls()} polls`,
        pushCycles: cycles,
        idle: { ...idle, percent: Math.round(idle.percent * 1000) / 1000 },
        daemonRssKb: memory.rssKb,
        daemonPeakRssKb: memory.peakRssKb,
        stopMs: Math.round(stop.ms),
        targetP95Ms: TARGET_P95_MS,
        targetIdleCpuPercent: TARGET_IDLE_CPU_PERCENT,
        verified: true,
      };
      const rows = [
        {
          metric: `add → on server, ${daemonAdds} adds: p50 / p95`,
          value: `${fmt.ms(latency.p50)} / ${fmt.ms(latency.p95)} (min ${fmt.ms(latency.min)}, max ${fmt.ms(latency.max)}; ${cycles} push cycles; seen by polling pull every ${POLL_MS} ms)`,
          target: `p95 < ${TARGET_P95_MS} ms`,
          ok: latency.p95 < TARGET_P95_MS,
        },
        {
          metric: `daemon idle CPU over ${idleSeconds} s`,
          value: `${idle.percent.toFixed(2)} % (${fmt.ms(idle.cpuMs)} CPU; ${idle.eventsLogged} log lines; RSS ${fmt.mib(memory.rssKb)}, peak ${fmt.mib(memory.peakRssKb)})`,
          target: `< ${TARGET_IDLE_CPU_PERCENT} %`,
          ok: idle.percent < TARGET_IDLE_CPU_PERCENT,
        },
        { metric: 'daemon: verified', value: `server counter = ${daemonAdds} adds, log accounts for every push, outbox empty, SIGTERM → exit 0 in ${fmt.ms(stop.ms)}` },
      ];
      return { figures, rows };
    } finally {
      if (daemon) await stopChild(daemon.child);
      await server.stop();
    }
  },
};
