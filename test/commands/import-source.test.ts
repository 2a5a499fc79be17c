/** `convoy import` reads its input a piece at a time, losing nothing at the pieces' seams. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importCommand } from '../../src/commands/import.js';
import { fileLines } from '../../src/commands/import-source.js';
import { listTasks } from '../../src/db/tasks.js';
import { tempHome, testContext } from '../helpers/replica.js';

describe('import input', () => {
  it('reads a file of several MiB line by line, multi-byte characters across chunk seams included', () => {
    // 3-byte characters make the 1 MiB chunk boundaries fall inside characters.
    const lines = Array.from({ length: 40_000 }, (_, i) => `${'é€'.repeat(i % 40)}#${i}`);
    const path = join(tempHome(), 'big.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const read = [...fileLines(path)];
    expect(read.length).toBe(lines.length);
    expect(read).toEqual(lines);
  });

  it('imports a piped stream (spooled, not held in memory) all or nothing', async () => {
    const ctx = testContext();
    const good = Array.from({ length: 3_000 }, (_, i) => JSON.stringify({ op: 'create', title: `Piped ${i}` })).join('\n');
    await importCommand('-', {}, ctx, async () => Readable.from([good.slice(0, 1000), good.slice(1000)]));
    expect(listTasks(ctx.replica()).length).toBe(3_000);
    const bad = `${good}\n{"op":"create","title":""}`;
    await expect(importCommand('-', {}, ctx, async () => Readable.from([bad]))).rejects.toThrow(/nothing was imported[\s\S]*line 3001: /);
    expect(listTasks(ctx.replica()).length).toBe(3_000);
  });
});
