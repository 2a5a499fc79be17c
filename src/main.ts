/**
 * The entry point, and the only place that maps errors to exit codes, prints
 * fatal errors and calls process.exit.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import type { Context } from './context.js';
import { BackendError, ConfigError, environmentProblem, ExitCode, exitCodeFor, StateError } from './errors.js';

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

export async function main(argv: string[]): Promise<never> {
  let ctx: Context | undefined;
  let code: number = ExitCode.ok;
  // A closed pipe (`convoy list | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(code);
  });
  try {
    const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
    const program = buildProgram(io, (c) => (ctx = c), (c) => (code = c));
    if (argv.length <= 2) {
      program.outputHelp();
    } else {
      await program.parseAsync(argv);
    }
  } catch (error) {
    if (error instanceof CommanderError) code = commanderExit(error);
    else {
      process.stderr.write(`error: ${describe(error)}\n`);
      code = exitCodeFor(error);
    }
  } finally {
    ctx?.close();
  }
  // Let piped stdout flush before exiting (pipes are asynchronous on some platforms).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

void main(process.argv);
