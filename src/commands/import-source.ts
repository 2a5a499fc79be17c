/**
 * Where `convoy import` reads its lines from, a bounded piece at a time: a
 * file in 1 MiB chunks, stdin spooled to a temp file first (so the write
 * transaction, which reads the lines, never waits on a slow producer while
 * holding the replica's write lock). Memory stays flat with the file's size.
 */
import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

/** The lines of `path` (without their '\n'), read synchronously in chunks. Throws like `openSync` for an unreadable file. */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const parts = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

/** The lines of text already in memory. */
export function* textLines(text: string): Generator<string> {
  yield* text.split('\n');
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
