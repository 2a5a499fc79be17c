// What the sync sections (push, pull, daemon) share: the local Convex stand-in
// (`convoy dev server --convex`, the built bundle) in its own process, tokens for it, checks
// on the server's side with the official ConvexHttpClient, convoy runs whose
// HTTP traffic is counted, and replicas seeded with queued creates.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConvexHttpClient } from 'convex/browser';
import { anyApi } from 'convex/server';
import { assertOk, CONVOY_BIN, convoyEnv, countRows, HTTP_PROBE, PROBE, processCpuMs, ROOT, runConvoy, runTimed, withReplica } from './lib.mjs';
import { generateImportFile } from './sections/import.mjs';

const START_TIMEOUT_MS = 60_000;

/**
 * A folder whose dev key signs every token of the bench and which every
 * server trusts: `convoy dev token` keeps its key in <CONVOY_HOME>/dev-keys.
 */
export function keysHome(ctx) {
  return join(ctx.tmp, 'convex-keys');
}

/** A token for `user` from `convoy dev token` (creating the dev key on first use). */
export async function mintToken(ctx, user) {
  const result = assertOk(await runConvoy(keysHome(ctx), ['dev', 'token', '--user', user, '--json'], { capture: true }), 'convoy dev token');
  return JSON.parse(result.stdout.toString('utf8')).token;
}

/**
 * Start a fresh, empty local Convex server in its own process, on a port the
 * OS picks (--port 0), trusting the bench's dev key, and warm it up. Mint the
 * measured user's token first, so the key exists before the server reads it.
 * Returns { url, pid, cpuMs(), output(), stop() }: output() is the tail of
 * what it printed; stop() ends it (SIGTERM, then SIGKILL).
 */
export async function startServer(ctx) {
  const env = { ...process.env, CONVOY_DEV_KEY_DIR: join(keysHome(ctx), 'dev-keys') };
  delete env.NODE_OPTIONS;
  const args = [CONVOY_BIN, 'dev', 'server', '--convex', '--port', '0', '--json'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local Convex server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output = (output + chunk).slice(-16_384);
      const found = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local Convex server exited (${code}):\n${output}`));
    });
  });
  const server = { url, pid: child.pid, cpuMs: () => processCpuMs(child.pid), output: () => output.slice(-4096), stop: () => stopChild(child) };
  try {
    await warmUp(server, (ctx.shared.warmUpToken ??= await mintToken(ctx, 'bench-warm-up')));
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

const WARM_UP_BATCHES = 3;
const WARM_UP_OPS = 50;

/**
 * Warm a fresh server up before anything on it is measured: its first calls
 * load the convex/ modules and run cold code, which would otherwise
 * be charged to whichever run comes first. Pushes a few small batches and
 * pulls them back as a user of its own (the server indexes per user, so the
 * measured users' data and counters are untouched).
 */
async function warmUp(server, token) {
  const client = convexClient(server.url, token);
  const policies = { tasks: 'local-wins', projects: 'remote-wins' };
  let seq = 0;
  for (let batch = 0; batch < WARM_UP_BATCHES; batch++) {
    const ops = Array.from({ length: WARM_UP_OPS }, () => ({
      seq: ++seq,
      table: 'tasks',
      recordId: randomUUID(),
      kind: 'create',
      fields: { title: `warm-up ${seq}`, description: null, status: 'todo', stage: null, projectId: null, parentId: null, completedAt: null, createdAt: Date.now() },
      baseVersion: null,
      clientTime: Date.now(),
    }));
    await client.mutation(anyApi.push.push, { clientId: 'bench-warm-up', policies, ops });
  }
  await serverPull(client, 0);
}

/** SIGTERM a child and wait for it; SIGKILL after `graceMs`. */
export async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The official HTTP client, authenticated as the token's user. */
export function convexClient(url, token) {
  const client = new ConvexHttpClient(url, { logger: false });
  client.setAuth(token);
  return client;
}

/** The user's change counter on the server: one step per record written, so N creates by a fresh user leave it at N. */
export async function serverHead(url, token) {
  return (await convexClient(url, token).query(anyApi.pull.head, {})).headVersion;
}

/** One page of the user's tasks above `cursor`, from the server's own `pull` query. */
export function serverPull(client, cursor, limit = 1000) {
  return client.query(anyApi.pull.pull, { table: 'tasks', cursor, limit });
}

let probeFiles = 0;

/**
 * Run the built CLI with both probes preloaded: CPU and peak RSS (rusage
 * probe) and HTTP requests and wire bytes (http-probe). `env` adds to the
 * child's environment (CONVOY_CONVEX_URL/TOKEN). Parses stdout as JSON.
 */
export async function runConvoyMetered(home, args, env = {}) {
  mkdirSync(home, { recursive: true });
  const probeFile = join(home, `http-probe-${++probeFiles}.json`);
  const result = await runTimed(process.execPath, ['--require', PROBE, '--require', HTTP_PROBE, CONVOY_BIN, ...args], {
    env: convoyEnv(home, { ...env, CONVOY_BENCH_HTTP_PROBE: probeFile }),
    capture: true,
  });
  assertOk(result, `convoy ${args.join(' ')}`);
  return { ...result, http: JSON.parse(readFileSync(probeFile, 'utf8')), json: JSON.parse(result.stdout.toString('utf8')) };
}

/** A generated import file of `lines` task creates, made once per size. */
export async function createsFile(ctx, lines) {
  ctx.shared.createsFiles ??= {};
  ctx.shared.createsFiles[lines] ??= (async () => {
    const file = join(ctx.tmp, `creates-${lines}.jsonl`);
    await generateImportFile(file, lines);
    return file;
  })();
  return await ctx.shared.createsFiles[lines];
}

/**
 * A CONVOY_HOME whose replica holds exactly `ops` queued task creates (and
 * nothing else): the first `ops` lines of the generated file of `sourceOps`
 * lines, imported with `convoy import`, once per size. Copies of it
 * (copyReplica) push the very same ops, client id and sequence numbers
 * included; a smaller sample pushes the first ops of the same file.
 */
export async function queuedHome(ctx, ops, sourceOps = ops) {
  ctx.shared.queuedHomes ??= {};
  const key = `${ops}-of-${sourceOps}`;
  if (!ctx.shared.queuedHomes[key]) {
    const home = join(ctx.tmp, `queued-${key}`);
    let file = await createsFile(ctx, sourceOps);
    if (ops < sourceOps) {
      const head = join(ctx.tmp, `creates-${key}.jsonl`);
      writeFileSync(head, readFileSync(file, 'utf8').split('\n').slice(0, ops).join('\n') + '\n');
      file = head;
    }
    mkdirSync(home, { recursive: true });
    assertOk(await runConvoy(home, ['import', file, '--json'], { capture: true }), 'convoy import');
    const counts = countRows(join(home, 'replica.db'));
    if (counts.tasks !== ops || counts.ops !== ops) throw new Error(`seeding ${ops} queued ops: replica has ${JSON.stringify(counts)}`);
    ctx.shared.queuedHomes[key] = home;
  }
  return ctx.shared.queuedHomes[key];
}

/** Copy a home's replica (its WAL too, if one was left) into a new home. */
export function copyReplica(fromHome, toHome) {
  mkdirSync(toHome, { recursive: true });
  for (const suffix of ['', '-wal']) {
    const from = join(fromHome, `replica.db${suffix}`);
    if (existsSync(from)) copyFileSync(from, join(toHome, `replica.db${suffix}`));
  }
  return toHome;
}

/** What a replica says about its sync state: task counts by status, versions, outbox, cursor. */
export function replicaSyncFacts(home) {
  return withReplica(join(home, 'replica.db'), (db) => ({
    ...db
      .prepare(
        `SELECT count(*) AS tasks, coalesce(sum(sync_status = 'synced'), 0) AS synced,
                count(DISTINCT server_version) AS distinctVersions, max(server_version) AS maxVersion FROM tasks`,
      )
      .get(),
    ops: db.prepare('SELECT count(*) AS n FROM outbox').get().n,
    ...(db.prepare("SELECT cursor, initial_sync_done AS initialSyncDone FROM sync_state WHERE table_name = 'tasks'").get() ?? { cursor: 0, initialSyncDone: 0 }),
  }));
}
