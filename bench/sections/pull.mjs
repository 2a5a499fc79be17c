// Pull, two figures that must not be confused:
//  (a) THROUGH THE LOCAL SERVER: `convoy sync --pull-only` (the built CLI,
//      official client, real HTTP) of N rows into a fresh replica, from a
//      fresh local Convex server seeded by pushing N creates. convex-test
//      sorts a user's whole bucket for every page, so this gets slower with N
//      and mostly measures the test server; N is --pull-server-rows.
//  (b) CLIENT COST ONLY: `syncOnce(..., { mode: 'pull' })` of 100,000 rows in
//      pages of 1,000 from an in-process double (bench/workers/pull-double.ts;
//      no network, no server) into a fresh replica, the double's own time
//      subtracted: the client-side apply rate and peak RSS the targets are about.
//      The rate is judged per CPU-second of the pulling process, less the
//      double's time: on a machine shared with other work the wall-clock rate,
//      also shown, swings with the load.
import { join } from 'node:path';
import { fmt, runWorker, sectionFlags, summarize } from '../lib.mjs';
import { copyReplica, mintToken, queuedHome, replicaSyncFacts, runConvoyMetered, serverHead, startServer } from '../local-convex.mjs';

const PAGE_SIZE = 1_000;
const TARGET_ROWS_PER_SEC = 90_000;
const TARGET_RSS_MB = 200;

/** Seed a fresh server with `rows` creates (pushed in batches of 500), then pull them all into an empty replica. */
async function pullThroughServer(ctx, rows) {
  const token = await mintToken(ctx, 'pull');
  const seedHome = copyReplica(await queuedHome(ctx, rows), join(ctx.tmp, 'pull-seed'));
  const server = await startServer(ctx);
  try {
    const env = { CONVOY_CONVEX_URL: server.url, CONVOY_CONVEX_TOKEN: token };
    ctx.log(`pull: seeding ${server.url} with ${fmt.int(rows)} tasks`);
    const seed = await runConvoyMetered(seedHome, ['sync', '--push-only', '--batch', '500', '--json'], env);
    const head = await serverHead(server.url, token);
    if (seed.json.pushed !== rows || head !== rows) throw new Error(`pull: seeding pushed ${seed.json.pushed}, server counter ${head}; expected ${rows}`);
    ctx.log(`pull: seeded in ${fmt.ms(seed.json.durationMs)}; pulling into an empty replica`);
    const home = join(ctx.tmp, 'pull-server');
    const serverCpuBefore = server.cpuMs();
    const result = await runConvoyMetered(home, ['sync', '--pull-only', '--json'], env);
    const serverCpuMs = server.cpuMs() - serverCpuBefore;
    const facts = replicaSyncFacts(home);
    if (result.json.pulled !== rows || facts.tasks !== rows || facts.synced !== rows || facts.cursor !== rows || facts.initialSyncDone !== 1) {
      throw new Error(`pull through the server: summary ${JSON.stringify(result.json)}, replica ${JSON.stringify(facts)}; expected ${rows} rows`);
    }
    return {
      rows,
      seedPushMs: seed.json.durationMs,
      durationMs: result.json.durationMs,
      processWallMs: Math.round(result.wallMs),
      rowsPerSec: Math.round(rows / (result.json.durationMs / 1000)),
      requests: result.http.requests,
      bytesSent: result.http.bytesSent,
      bytesReceived: result.http.bytesReceived,
      clientCpuMs: Math.round(result.cpuMs),
      clientMaxRssKb: result.maxRssKb,
      serverCpuMs: Math.round(serverCpuMs),
    };
  } finally {
    await server.stop();
  }
}

/** One client-only pull of `rows` from the in-process double, verified. */
async function pullFromDouble(ctx, rows, run) {
  const replica = join(ctx.tmp, 'pull-double', `run-${run}.db`);
  const { output, maxRssKb } = await runWorker('pull-double.ts', { replica, rows, pageSize: PAGE_SIZE });
  const { facts } = output;
  if (output.pulled !== rows || facts.tasks !== rows || facts.synced !== rows || facts.cursor !== rows || facts.initialSyncDone !== 1) {
    throw new Error(`pull from the double: pulled ${output.pulled}, replica ${JSON.stringify(facts)}; expected ${rows} rows`);
  }
  const clientMs = output.wallMs - output.serveMs;
  ctx.log(`pull: double run ${run}: ${fmt.int(rows)} rows, client ${fmt.ms(clientMs)}`);
  return {
    clientMs,
    rowsPerSec: rows / (clientMs / 1000),
    // The double runs on the same thread: its page generation is taken off both figures.
    rowsPerCpuSec: rows / ((output.cpuMs - output.serveMs) / 1000),
    wallMs: output.wallMs,
    serveMs: output.serveMs,
    pages: output.pages,
    rssBeforeMb: output.rssBeforeKb / 1024,
    peakRssMb: maxRssKb / 1024,
  };
}

export default {
  name: 'pull',
  summary: 'pull N rows via the local Convex server [--pull-server-rows=50000]; 100,000 client-only from a double [--pull-rows=N --pull-runs=3]',
  flags: { 'pull-server-rows': { default: 50_000, min: 1 }, 'pull-rows': { default: 100_000, min: 1 }, 'pull-runs': { default: 3, min: 1 } },
  async run(ctx) {
    const { pullServerRows, pullRows, pullRuns } = sectionFlags;
    const server = await pullThroughServer(ctx, pullServerRows);
    const doubles = [];
    for (let run = 1; run <= pullRuns; run++) doubles.push(await pullFromDouble(ctx, pullRows, run));
    const pick = (key) => summarize(doubles.map((d) => d[key]));
    const client = {
      rows: pullRows,
      runs: pullRuns,
      pageSize: PAGE_SIZE,
      rowsPerSec: pick('rowsPerSec'),
      rowsPerCpuSec: pick('rowsPerCpuSec'),
      clientMs: pick('clientMs'),
      serveMs: pick('serveMs'),
      peakRssMb: pick('peakRssMb'),
      rssBeforeMb: pick('rssBeforeMb'),
    };
    const figures = { throughServer: server, clientOnly: client, targetRowsPerSec: TARGET_ROWS_PER_SEC, targetRssMb: TARGET_RSS_MB, verified: true };
    const rows = [
      {
        metric: `(a) via local server: pull ${fmt.int(server.rows)} rows`,
        value:
          `${fmt.ms(server.durationMs)} (${fmt.int(server.rowsPerSec)} rows/s; ${fmt.int(server.requests)} requests; sent ${fmt.bytes(server.bytesSent)}, ` +
          `received ${fmt.bytes(server.bytesReceived)}; client CPU ${fmt.ms(server.clientCpuMs)}, peak RSS ${fmt.mib(server.clientMaxRssKb)}; server CPU ${fmt.ms(server.serverCpuMs)})`,
      },
      { metric: '(a) via local server: seeding push (batch 500)', value: `${fmt.ms(server.seedPushMs)} for ${fmt.int(server.rows)} creates (not part of the pull figure)` },
      {
        metric: `(b) client only: apply ${fmt.int(pullRows)} rows, pages of ${PAGE_SIZE}, per CPU-second`,
        value: `${fmt.int(client.rowsPerCpuSec.median)} rows/CPU-s median of ${pullRuns} (best ${fmt.int(client.rowsPerCpuSec.max)})`,
        target: `≥ ${fmt.int(TARGET_ROWS_PER_SEC)} rows/s`,
        ok: client.rowsPerCpuSec.median >= TARGET_ROWS_PER_SEC,
      },
      {
        metric: '(b) client only: apply rate by wall clock',
        value: `${fmt.int(client.rowsPerSec.median)} rows/s median (best ${fmt.int(client.rowsPerSec.max)}; ${fmt.ms(client.clientMs.median)}); below the CPU figure when other work shares the CPUs`,
      },
      {
        metric: '(b) client only: peak RSS of the pulling process',
        value: `${client.peakRssMb.median.toFixed(0)} MiB median (max ${client.peakRssMb.max.toFixed(0)}; ${client.rssBeforeMb.median.toFixed(0)} MiB before the pull)`,
        target: `< ${TARGET_RSS_MB} MiB`,
        ok: client.peakRssMb.max < TARGET_RSS_MB,
      },
      { metric: 'pull: verified', value: 'each pull: rows in the replica = rows served, all synced, cursor = last version, initial sync done' },
    ];
    return { figures, rows };
  },
};
