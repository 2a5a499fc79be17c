/**
 * The entry point, and the only place that maps errors to exit codes, prints
 * fatal errors and calls process.exit.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import type { Context } from './context.js';
import { BackendError, ConfigError, environmentProblem, ExitCode, exitCodeFor, StateError } from './errors.js';
import { errorJson } from './output/error-json.js';

function commanderExit(error: CommanderError): number {
  const ok = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
  // Commander has already printed its message; anything but help is a usage error.
  return ok.includes(error.code) ? ExitCode.ok : ExitCode.usage;
}

function describe(error: unknown): string {
  if (error instanceof BackendError && error.offline) return `${error.message} (nothing lost: changes stay queued)`;
  const problem = error instanceof ConfigError ? null : environmentProblem(error);
  if (problem) return `${(error as Error).message}: ${problem}`;
  if (error instanceof StateError || (error instanceof Error && exitCodeFor(error) !== ExitCode.unexpected)) return error.message;
  const detail = error instanceof Error ? (process.env.CONVOY_DEBUG ? error.stack : error.message) : String(error);
  return `unexpected error: ${detail}\nplease report it; set CONVOY_DEBUG=1 for a stack trace`;
}

/** Whether the command line asks for JSON (`--json`, `--format json`): errors are then one JSON object on stderr. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--json' || arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

export async function main(argv: string[]): Promise<never> {
  let ctx: Context | undefined;
  let code: number = ExitCode.ok;
  const json = wantsJson(argv);
  // `-V` stays an alias of `-v` (the version).
  if (argv[2] === '-V') argv = [...argv.slice(0, 2), '-v'];
  // A closed pipe (`convoy list | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(code);
  });
  let failure: unknown;
  try {
    const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, json };
    const program = buildProgram(io, (c) => (ctx = c), (c) => (code = c));
    if (argv.length <= 2) {
      program.outputHelp();
    } else {
      await program.parseAsync(argv);
    }
  } catch (error) {
    if (error instanceof CommanderError) {
      code = commanderExit(error);
      failure = error.message.replace(/^error: /, '');
    } else {
      code = exitCodeFor(error);
      failure = error;
      if (!json) process.stderr.write(`error: ${describe(error)}\n`);
    }
  } finally {
    ctx?.close();
  }
  if (json && code !== ExitCode.ok) {
    const error = failure instanceof Error && code === ExitCode.unexpected ? new Error(describe(failure)) : typeof failure === 'string' ? new Error(failure) : failure;
    process.stderr.write(`${JSON.stringify(errorJson(code as ExitCode, error))}\n`);
  }
  // Let piped stdout flush before exiting (pipes are asynchronous on some platforms).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

void main(process.argv);
