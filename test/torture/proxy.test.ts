/**
 * Torture (b): `convoy sync` through a faulty network — connections cut
 * after N bytes either way, resets, 503s, delays — against each local
 * server. Every faulty sync must end as a success or "offline" (exit 0 or 3,
 * never a bug), and after each fault a clean sync must bring the replica and
 * the server to the same records, field by field, with nothing lost.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { addTask, changeTask } from '../../src/db/tasks.js';
import { TASK_STATUSES } from '../../src/schema/tables.js';
import { convoyAsync, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
import { cliVerify, compare, count, duplicatedTitles, prng, replicaState, report, SEED, serverState, startTortureServer, type Prng, type ServerKind, type TortureServer } from './support.js';

const FAULTS = count('TORTURE_PROXY_FAULTS', 60, 5);

function randomFault(rng: Prng, n: number): Fault {
  switch (n % 5) {
    case 0:
      return { kind: 'cut-request', bytes: rng.int(1, 3_000) };
    case 1:
      return { kind: 'cut-response', bytes: rng.int(1, 3_000) };
    case 2:
      return { kind: 'reset' };
    case 3:
      return { kind: '5xx' };
    default:
      return { kind: 'delay', ms: rng.int(50, 1_500) };
  }
}

describe.each(['convex', 'supabase'] as ServerKind[])('a faulty network (%s)', (kind) => {
  let server: TortureServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    ensureBuilt();
    server = await startTortureServer(kind);
    proxy = await startFaultProxy(server.url);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it(`${FAULTS} faults, each followed by a convergence check (seed ${SEED})`, { timeout: 120_000 + FAULTS * 15_000 }, async () => {
    const rng = prng(SEED + 1);
    const user = `proxy-${kind}-${SEED}`;
    const env = await server.env(user, proxy.url);
    const home = tempHome();
    const path = join(home, 'replica.db');
    const created: string[] = [];
    const totals = { lost: 0, duplicated: 0, diverged: 0 };
    const details: string[] = [];
    for (let n = 0; n < FAULTS; n++) {
      const replica = openReplica(path);
      try {
        for (let i = rng.int(1, 4); i > 0; i--) created.push(addTask(replica, { title: `p${n}.${i} ${SEED}` }, Date.now()).id);
        if (created.length > 2) changeTask(replica, rng.pick(created), { status: rng.pick(TASK_STATUSES), description: `fault ${n}` }, Date.now());
      } finally {
        replica.close();
      }
      const fault = randomFault(rng, n);
      // Several connections may be faulty: a sync opens more than one (push, pull, retries).
      proxy.inject(...Array.from({ length: rng.int(1, 3) }, () => fault));
      const faulty = await convoyAsync(home, ['sync', '--json'], { env });
      expect([0, 3], `fault ${JSON.stringify(fault)}: exit ${faulty.code}: ${faulty.stderr}`).toContain(faulty.code);
      proxy.clear(); // the check runs on a clean network
      const clean = await convoyAsync(home, ['sync', '--json'], { env });
      expect(clean.code, `after ${JSON.stringify(fault)}: ${clean.stderr}`).toBe(0);
      const { state: onServer, repeated } = await serverState(await server.backend(user));
      const mine = replicaState(path);
      const result = compare(onServer, mine.state, created);
      totals.lost += result.lost;
      totals.duplicated += duplicatedTitles(onServer) + repeated;
      const verified = await cliVerify(home, env);
      totals.diverged += result.diverged + mine.queued + verified.diverged;
      details.push(...[...result.details, ...verified.details].map((d) => `after ${fault.kind}: ${d}`));
    }
    report({ suite: 'faulty TCP proxy', server: kind, trials: FAULTS, faults: FAULTS, ...totals });
    expect({ ...totals, details: details.slice(0, 10) }).toEqual({ lost: 0, duplicated: 0, diverged: 0, details: [] });
  });
});
