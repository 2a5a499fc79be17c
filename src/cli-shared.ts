/**
 * What the commander definitions (src/cli*.ts) share: the I/O they are given,
 * the runner that turns a command module's function into an action, and
 * the examples footer every --help ends with.
 */
import type { Context } from './context.js';
import type { ReporterStreams } from './output/reporter.js';

export interface CliIo extends ReporterStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The command line asked for JSON (errors then go to stderr as JSON, from src/main.ts). */
  json?: boolean;
}

export type Action = (ctx: Context, args: unknown[]) => Promise<number | void>;
export type Runner = (action: Action) => (...args: unknown[]) => Promise<void>;
/** Reads all of stdin (refused when stdin is a terminal). */
export type ReadStdin = () => Promise<string>;
/** The same, as raw bytes (import decodes strictly, naming a bad line). */
export type ReadStdinBytes = () => Promise<Buffer>;

export const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export async function readAll(stream: CliIo['stdin']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
