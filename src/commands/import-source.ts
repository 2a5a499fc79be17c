/**
 * Where `convoy import` reads its lines from, a bounded piece at a time: a
 * file in 1 MiB chunks, stdin spooled to a temp file first (so the write
 * transaction, which reads the lines, never waits on a slow producer while
 * holding the replica's write lock). Memory stays flat with the file's size.
 * Decoding is strict UTF-8: a byte that is not UTF-8 stops the read with
 * NotUtf8Error naming its line (never turned into U+FFFD); a leading BOM is dropped.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** A line of the input is not valid UTF-8. */
export class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

/** The chunks of `path`, read synchronously. Throws like `openSync` for an unreadable file. */
function* fileChunks(path: string): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/** Strictly decoded whole lines of `bytes` (which ends at a line end), the first numbered `first`. */
function decodeLines(bytes: Buffer, first: number): string[] {
  // The common case checks and decodes the whole piece at once; a bad piece is searched line by line.
  if (isUtf8(bytes)) return bytes.toString('utf8').split('\n');
  let start = 0;
  for (let line = first; ; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) throw new NotUtf8Error(line);
    start = end + 1;
  }
}

/** The lines (without their '\n') of a sequence of byte chunks, strictly decoded, a leading BOM dropped. */
export function* byteLines(chunks: Iterable<Buffer>): Generator<string> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;
  for (let chunk of chunks) {
    if (first && chunk.length > 0) {
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      rest = Buffer.concat([rest, chunk]);
      continue;
    }
    const lines = decodeLines(Buffer.concat([rest, chunk.subarray(0, last)]), line);
    line += lines.length;
    rest = Buffer.from(chunk.subarray(last + 1));
    yield* lines;
  }
  if (rest.length > 0) yield* decodeLines(rest, line);
}

/** The lines of `path` (without their '\n'), read synchronously in chunks. Throws like `openSync` for an unreadable file. */
export function fileLines(path: string): Generator<string> {
  return byteLines(fileChunks(path));
}

/** The lines of text or bytes already in memory. */
export function memoryLines(input: string | Buffer): Generator<string> {
  return byteLines([typeof input === 'string' ? Buffer.from(input, 'utf8') : input]);
}

/** A spooled copy of a stream in a temp file: read its lines, then `remove()` it. */
export interface Spooled {
  path: string;
  remove(): void;
}

/** Copy `stream` to a temp file (bounded memory, whatever its length). */
export async function spool(stream: NodeJS.ReadableStream): Promise<Spooled> {
  const dir = mkdtempSync(join(tmpdir(), 'convoy-import-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const path = join(dir, 'stdin.jsonl');
  try {
    await pipeline(stream, createWriteStream(path));
  } catch (error) {
    remove();
    throw error;
  }
  return { path, remove };
}
