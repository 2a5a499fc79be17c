/**
 * User hooks: executables named `on-add`, `on-modify` or `on-sync` in the
 * hooks folder beside the config (`$CONVOY_HOME/hooks/`). Each gets one JSON
 * document on stdin (the task, or the sync summary) after the change has
 * committed. A hook that fails, cannot start or outlives HOOK_TIMEOUT_MS is
 * reported on stderr and never changes the outcome: the change is already
 * saved, and convoy's exit code stays what the command's was.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { importLazy } from './lazy-import.js';

export const HOOK_NAMES = ['on-add', 'on-modify', 'on-sync'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export const HOOK_TIMEOUT_MS = 5_000;

/** The hooks folder of the active profile. */
export const hooksDir = (ctx: Context) => join(ctx.paths.configDir, 'hooks');

/**
 * Run hook `name` with `document` on stdin, if the user has one; resolves when
 * it exits or is killed at the timeout. Never rejects.
 */
export async function runHook(ctx: Context, name: HookName, document: unknown): Promise<void> {
  const file = join(hooksDir(ctx), name);
  // One stat when there is no hook: `convoy add` stays fast.
  if (!existsSync(file)) return;
  const { spawn } = await importLazy<typeof import('node:child_process')>('node:child_process');
  const saved = '(the change is saved)';
  await new Promise<void>((resolve) => {
    let stderr = '';
    let timedOut = false;
    const child = spawn(file, [], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...ctx.env, CONVOY_HOOK: name } });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, HOOK_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.stdin.on('error', () => {
      // A hook that does not read its stdin is fine.
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      ctx.reporter.note(`hook ${name} could not run: ${error.message} ${saved}`);
      resolve();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      child.stderr.destroy();
      const last = stderr.trim().split('\n').at(-1);
      if (timedOut) ctx.reporter.note(`hook ${name} was stopped after ${HOOK_TIMEOUT_MS / 1000} s ${saved}`);
      else if (code !== 0) ctx.reporter.note(`hook ${name} failed (exit ${code})${last ? `: ${last}` : ''} ${saved}`);
      resolve();
    });
    child.stdin.end(`${JSON.stringify(document)}\n`);
  });
}
