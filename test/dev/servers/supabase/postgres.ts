/**
 * A throwaway PostgreSQL cluster for the tests that need real concurrency
 * (PGlite has one connection): `initdb` into a temp directory, `postgres` on
 * a free loopback port with durability off, removed by stop(). Uses the
 * PostgreSQL binaries on PATH or in /usr/lib/postgresql/<version>/bin
 * (Debian's `postgresql` package). PostgreSQL refuses to run as root: when
 * this process is root, the cluster is owned by and run as the `postgres`
 * system user through `runuser -u postgres --` (util-linux).
 *
 * `findPostgres()` says why a cluster cannot be had, so tests can skip with
 * that message instead of failing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresInstall {
  binDir: string;
  /** Command prefix to run the binaries as a non-root user ([] when not root). */
  runAs: string[];
  /** The uid/gid owning the data directory when running as another user. */
  owner: { uid: number; gid: number } | null;
}

export interface PostgresCluster {
  /** Superuser connection URL, e.g. postgres://postgres@127.0.0.1:54123/postgres. */
  url: string;
  stop(): Promise<void>;
}

/** The PostgreSQL binaries and how to run them, or the reason there are none usable. */
export function findPostgres(): PostgresInstall | { missing: string } {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
        .find((dir) => existsSync(join(dir, 'initdb')))
    : undefined;
  const binDir = onPath ? join(onPath, '..') : debian;
  if (!binDir || !existsSync(join(binDir, 'postgres'))) {
    return { missing: 'no PostgreSQL binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or set DATABASE_URL' };
  }
  if (process.getuid?.() !== 0) return { binDir, runAs: [], owner: null };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  if (uid.status !== 0 || !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return { missing: 'running as root, and there is no `postgres` user or no runuser to run PostgreSQL as (it refuses to run as root)' };
  }
  return { binDir, runAs: ['runuser', '-u', 'postgres', '--'], owner: { uid: Number(uid.stdout), gid: Number(id('-g').stdout) } };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** initdb + start a cluster; throws with initdb's or postgres's output when either fails. */
export async function startPostgresCluster(install: PostgresInstall): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'convoy-pg-'));
  const data = join(dir, 'data');
  const run = (bin: string, args: string[]) => [...install.runAs, join(install.binDir, bin), ...args];
  initdb(install, dir, data, run);
  const port = await freePort();
  const settings = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const [pgCmd, ...pgArgs] = run('postgres', ['-D', data, ...settings]);
  const child: ChildProcess = spawn(pgCmd!, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  // pg_ctl signals postgres itself (runuser does not pass signals on); the data is thrown away anyway.
  const pgStop = (wait: boolean) => {
    const [ctl, ...ctlArgs] = run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', wait ? '-w' : '-W']);
    spawnSync(ctl!, ctlArgs, { stdio: 'ignore' });
  };
  // A test run that ends without stop() still takes its cluster down.
  const kill = () => pgStop(false);
  process.once('exit', kill);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForServer(url, child, () => log);
  } catch (error) {
    kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        pgStop(true);
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh cluster in `data` (inside `dir`, owned by the user that runs it); removes `dir` if initdb fails. */
function initdb(install: PostgresInstall, dir: string, data: string, run: (bin: string, args: string[]) => string[]): void {
  if (install.owner) chownSync(dir, install.owner.uid, install.owner.gid);
  const [cmd, ...args] = run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const result = spawnSync(cmd!, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${result.stderr || result.stdout}`);
  }
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${(error as Error).message}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
