// Shared by the smoke test and the demo: run the built convoy binary, and
// start/stop the local Convex stand-in (`convoy dev server --convex`) as a child.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'convoy.cjs');

export function tempHome(name) {
  return mkdtempSync(join(tmpdir(), `convoy-${name}-`));
}

/** A free loopback port (closed again before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Run `convoy args…` with CONVOY_HOME=home; resolves {code, stdout, stderr}. */
export function convoy(home, args, { input = '', env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CONVOY_HOME: home, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Start the local Convex stand-in (`convoy dev server --convex`) on `port`,
 * trusting the dev key in `keyDir` (the one `convoy dev token` uses).
 * Resolves once it listens; `stop()` ends it (SIGTERM, exit 0).
 */
export function startLocalConvex(port, keyDir) {
  const child = spawn(process.execPath, [BIN, 'dev', 'server', '--convex', '--port', String(port), '--json'], {
    cwd: ROOT,
    env: { ...process.env, CONVOY_DEV_KEY_DIR: keyDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d;
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]).url);
    });
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => reject(new Error(`local Convex server exited (${code}):\n${output}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return ready.then((url) => ({ url, stop }));
}
