/**
 * `convoy sync --watch` as a real child process, with its JSON log parsed as
 * it arrives. Daemons still running after a test are SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { BIN } from './cli.js';

export type DaemonEvent = Record<string, unknown>;

export interface Daemon {
  child: ChildProcess;
  /** Every stderr line so far: parsed JSON, or `{event: "text", line}` for anything else. */
  events: DaemonEvent[];
  /** The first event named `event` (and matching `where`), waiting up to `timeoutMs`. */
  waitFor(event: string, timeoutMs?: number, where?: (e: DaemonEvent) => boolean): Promise<DaemonEvent>;
  exited: Promise<number | null>;
}

const daemons: ChildProcess[] = [];
afterEach(() => {
  for (const d of daemons.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
});

/** Start `convoy sync --watch --interval <intervalS> --log-format json ...args` on CONVOY_HOME=home. */
export function startDaemon(home: string, args: string[] = [], options: { intervalS?: number } = {}): Daemon {
  const argv = [BIN, 'sync', '--watch', '--interval', String(options.intervalS ?? 2), '--log-format', 'json', ...args];
  const child = spawn(process.execPath, argv, { env: { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home } });
  daemons.push(child);
  const events: DaemonEvent[] = [];
  let buffer = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) events.push(line.startsWith('{') ? (JSON.parse(line) as DaemonEvent) : { event: 'text', line });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (event: string, timeoutMs = 10_000, where: (e: DaemonEvent) => boolean = () => true) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e.event === event && where(e));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no "${event}" event within ${timeoutMs} ms; saw ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, events, waitFor, exited };
}
