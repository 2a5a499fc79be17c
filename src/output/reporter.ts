/**
 * How commands hand their results to the user. A command calls `result` once;
 * in --json mode that prints exactly one JSON document on stdout, otherwise
 * the human rendering. Diagnostics go to stderr. Commands never touch the
 * console themselves, which keeps them testable with `createMemoryReporter`.
 */
export interface Reporter {
  readonly json: boolean;
  /** Whether human output may use colour (a TTY without NO_COLOR). */
  readonly color: boolean;
  /** Whether stdout is an interactive terminal (progress bars, widths). */
  readonly interactive: boolean;
  /** Terminal width for human output (80 when unknown). */
  readonly columns: number;
  /** Print the command's result. Call at most once per command. */
  result(value: unknown, human: () => string): void;
  /** A diagnostic or notice for a person, on stderr. */
  note(message: string): void;
  /** A transient progress line on an interactive stderr; null clears it. No-op elsewhere. */
  progress(line: string | null): void;
}

export interface ReporterStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const forced = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value !== 'false';

/**
 * Colour on a TTY unless TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE turn it on
 * anywhere (a pipe into `less -R`); NO_COLOR (https://no-color.org) wins over all.
 */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (forced(env.FORCE_COLOR) || forced(env.CLICOLOR_FORCE)) return true;
  return isTTY && env.TERM !== 'dumb';
}

export function createStreamReporter(streams: ReporterStreams, json: boolean): Reporter {
  const interactive = Boolean(streams.stdout.isTTY);
  return {
    json,
    interactive,
    color: wantsColor(interactive, streams.env),
    columns: streams.stdout.columns ?? 80,
    result(value, human) {
      if (json) streams.stdout.write(`${JSON.stringify(value, null, interactive ? 2 : undefined)}\n`);
      else {
        const text = human();
        if (text) streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    },
    note(message) {
      streams.stderr.write(`${message}\n`);
    },
    progress(line) {
      if (!interactive || json) return;
      streams.stderr.write(line === null ? '\r\u001b[2K' : `\r\u001b[2K${line}`);
    },
  };
}

export interface MemoryReporter extends Reporter {
  readonly stdout: string[];
  readonly stderr: string[];
  /** The single JSON document printed (json mode). */
  parsed<T = unknown>(): T;
}

/** A reporter that records output, for tests. */
export function createMemoryReporter(json = false): MemoryReporter {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    json,
    interactive: false,
    color: false,
    columns: 80,
    stdout,
    stderr,
    result(value, human) {
      stdout.push(json ? JSON.stringify(value) : human());
    },
    note(message) {
      stderr.push(message);
    },
    progress() {
      // Tests assert results, not progress bars.
    },
    parsed<T>() {
      if (stdout.length !== 1) throw new Error(`expected one JSON document, got ${stdout.length}`);
      return JSON.parse(stdout[0]!) as T;
    },
  };
}
