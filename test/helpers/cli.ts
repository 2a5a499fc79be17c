/** Run the built `convoy` binary as a real child process. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'convoy.cjs');

/** Build dist/ once if a test run started without `npm run build`. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'main.cjs'))) {
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('build failed');
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function convoy(home: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, ...options.env };
  const result = spawnSync(process.execPath, [BIN, ...args], { env, input: options.input ?? '', encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Like `convoy`, but without blocking the event loop: needed when the server
 * the child talks to runs in this test process.
 */
export function convoyAsync(home: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, ...options.env };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
