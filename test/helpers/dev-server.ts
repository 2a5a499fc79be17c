/**
 * `convoy dev server` from the built binary, started in the background the
 * way a CI job starts it, and temp homes: both cleaned up by `cleanUp`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';

export interface RunningDevServer {
  child: ChildProcess;
  /** The server's JSON line. */
  info: { backend: string; url: string; token: string; anonKey?: string; init: string };
}

const dirs: string[] = [];
const children: ChildProcess[] = [];

/** A fresh temp directory, removed by `cleanUp`. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `convoy-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Kill the servers still running and remove the temp directories. */
export function cleanUp(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Start `convoy dev server --port 0 --json args…` with CONVOY_HOME=home and wait for its JSON line. */
export function startDevServer(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningDevServer> {
  const child = spawn(process.execPath, [BIN, 'dev', 'server', '--port', '0', '--json', ...args], {
    env: { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve({ child, info: JSON.parse(out.split('\n')[0]!) as RunningDevServer['info'] });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('exit', (code) => reject(new Error(`dev server exited (${code}): ${out}`)));
  });
}
