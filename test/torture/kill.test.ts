/**
 * Torture (a): `convoy sync` killed with SIGKILL at random moments — before
 * it starts, mid-push, mid-pull, after — against each local server, with
 * local writes between the kills. Then a clean sync must leave the replica
 * and the server equal field by field, with nothing lost or duplicated, and
 * a fresh replica must pull exactly the same; `convoy verify` must find
 * both in step with the server.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { addTask, changeTask } from '../../src/db/tasks.js';
import { TASK_STATUSES } from '../../src/schema/tables.js';
import { BIN, convoyAsync, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { cliVerify, compare, count, duplicatedTitles, prng, replicaState, report, SEED, serverState, startTortureServer, type ServerKind, type TortureServer } from './support.js';

const TRIALS = count('TORTURE_KILL_TRIALS', 200, 10);

/** Run `convoy sync` and SIGKILL it after `afterMs` (if still running); resolves with how it ended. */
function killedSync(home: string, env: Record<string, string>, afterMs: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'sync', '--json'], { env: { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, ...env } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
}

describe.each(['convex', 'supabase'] as ServerKind[])('kill -9 during convoy sync (%s)', (kind) => {
  let server: TortureServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startTortureServer(kind);
  }, 120_000);
  afterAll(() => server?.close());

  it(`${TRIALS} trials: nothing lost, duplicated or diverged (seed ${SEED})`, { timeout: 120_000 + TRIALS * 5_000 }, async () => {
    const rng = prng(SEED);
    const user = `kill-${kind}-${SEED}`;
    const env = await server.env(user);
    const home = tempHome();
    const path = join(home, 'replica.db');
    const created: string[] = [];
    const outcomes = { killed: 0, finished: 0, offline: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const replica = openReplica(path);
      try {
        for (let i = rng.int(1, 6); i > 0; i--) created.push(addTask(replica, { title: `k${trial}.${i} ${SEED}` }, Date.now()).id);
        if (created.length > 3 && rng.chance(0.5)) {
          changeTask(replica, rng.pick(created), { status: rng.pick(TASK_STATUSES), stage: `s${trial}` }, Date.now());
        }
      } finally {
        replica.close();
      }
      const run = await killedSync(home, env, rng.int(0, 900));
      if (run.signal === 'SIGKILL') outcomes.killed++;
      else if (run.code === 0) outcomes.finished++;
      else if (run.code === 3) outcomes.offline++; // another run's lock, or a server busy for a moment: allowed
      else expect.fail(`trial ${trial}: convoy sync exited ${run.code}: ${run.stderr}`);
    }
    const clean = await convoyAsync(home, ['sync', '--json'], { env });
    expect(clean.code, clean.stderr).toBe(0);
    const { state: onServer, repeated } = await serverState(await server.backend(user));
    const mine = replicaState(path);
    const result = compare(onServer, mine.state, created);
    const fresh = tempHome();
    expect((await convoyAsync(fresh, ['sync'], { env })).code).toBe(0);
    const theirs = compare(onServer, replicaState(join(fresh, 'replica.db')).state, created);
    // convoy verify's checksums must agree too, on both replicas.
    const verified = [await cliVerify(home, env), await cliVerify(fresh, env)];
    const tally = {
      suite: 'kill -9 sync',
      server: kind,
      trials: TRIALS,
      faults: outcomes.killed,
      lost: result.lost,
      duplicated: duplicatedTitles(onServer) + repeated,
      diverged: result.diverged + theirs.diverged + mine.queued + verified[0]!.diverged + verified[1]!.diverged,
    };
    report(tally);
    expect({ ...tally, details: [...result.details, ...theirs.details, ...verified.flatMap((v) => v.details)].slice(0, 10) }).toMatchObject({ lost: 0, duplicated: 0, diverged: 0 });
    expect(onServer.get('tasks')!.size).toBe(created.length);
  });
});
