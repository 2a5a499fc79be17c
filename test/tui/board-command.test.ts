import { describe, expect, it, vi } from 'vitest';
import { boardCommand, type BoardIo } from '../../src/commands/board.js';
import { createContext } from '../../src/context.js';
import { UsageError } from '../../src/errors.js';
import { createMemoryReporter } from '../../src/output/reporter.js';
import { tempHome, testContext } from '../helpers/replica.js';

describe('convoy board (command)', () => {
  it('refuses to start when stdout is not a terminal, suggesting convoy list', async () => {
    const ctx = testContext();
    const failure = boardCommand({}, ctx);
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(/interactive terminal.*convoy list/);
  });

  it('refuses an unknown --project before drawing anything', async () => {
    const ctx = createContext({ env: { CONVOY_HOME: tempHome() }, reporter: { ...createMemoryReporter(), interactive: true } });
    const write = vi.fn();
    const io = { stdout: { isTTY: true, write }, stdin: { isTTY: true } } as unknown as BoardIo;
    try {
      await expect(boardCommand({ project: 'Nope' }, ctx, io)).rejects.toThrow(/no project named or with id "Nope"/);
      expect(write).not.toHaveBeenCalled();
    } finally {
      ctx.close();
    }
  });

  it('refuses an unknown --workspace before drawing anything, naming the flag and the fix', async () => {
    const ctx = createContext({ env: { CONVOY_HOME: tempHome() }, reporter: { ...createMemoryReporter(), interactive: true } });
    const write = vi.fn();
    const io = { stdout: { isTTY: true, write }, stdin: { isTTY: true } } as unknown as BoardIo;
    try {
      await expect(boardCommand({ workspace: 'Nope' }, ctx, io)).rejects.toThrow(/--workspace: no workspace named or with id "Nope"; see convoy workspace list/);
      expect(write).not.toHaveBeenCalled();
    } finally {
      ctx.close();
    }
  });
});
