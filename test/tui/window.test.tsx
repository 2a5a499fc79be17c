/**
 * The board holds the column counts and the cards around what it shows,
 * never whole columns: what it reads does not grow with the replica, while
 * scrolling, g/G, moving cards and changes from elsewhere behave as before.
 */
import { describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import type { TaskView } from '../../src/db/views.js';
import type { BoardModel } from '../../src/tui/model.js';
import { boardSetup, KEYS, renderBoard } from './helpers.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

/** Many tasks in one transaction (the board reads them; how they got there does not matter). */
function seed(replica: ReturnType<typeof openReplica>, count: number): void {
  replica.write(() => {
    const insert = replica.sqlite.prepare(
      "INSERT INTO tasks (id, title, status, created_at, updated_at, sync_status) VALUES (?, ?, 'todo', ?, ?, 'synced')",
    );
    for (let i = 1; i <= count; i++) insert.run(`00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, `card ${String(i).padStart(5, '0')}`, NOW + i, NOW + i);
  });
}

/** The model, recording the most rows any one read returned. */
function metered(model: BoardModel): { model: BoardModel; largestRead: () => number } {
  let largest = 0;
  const seen = (rows: TaskView[]) => ((largest = Math.max(largest, rows.length)), rows);
  return {
    model: { ...model, page: (...a) => seen(model.page(...a)), slice: (...a) => seen(model.slice(...a)) },
    largestRead: () => largest,
  };
}

describe('the windowed board', () => {
  it('reads a few screens of a 5,000-card column, wherever the selection goes', async () => {
    const { ctx, model } = await boardSetup();
    seed(ctx.replica(), 5_000);
    const { model: counted, largestRead } = metered(model);
    const board = renderBoard(counted, { rows: 24 });
    await board.waitFor('To do (5000)');
    expect(board.frame()).toMatch(/› ✓ card 05000[\s\S]*↓ 4\d\d\d more/);
    await board.press('G');
    await board.waitFor('› ✓ card 00001');
    expect(board.frame()).toMatch(/↑ 4\d\d\d more[\s\S]*card 00001/);
    await board.press(KEYS.up, KEYS.up, 'k');
    await board.waitFor('› ✓ card 00004');
    await board.press('g');
    await board.waitFor('› ✓ card 05000');
    for (let i = 0; i < 30; i++) await board.press(KEYS.down);
    await board.waitFor('› ✓ card 04970');
    expect(largestRead()).toBeLessThanOrEqual(4 * 24);
  });

  it('keeps the selection on its card deep in a column when tasks arrive elsewhere, and counts them', async () => {
    const { ctx, model } = await boardSetup();
    seed(ctx.replica(), 3_000);
    const board = renderBoard(model, { rows: 24 });
    await board.waitFor('To do (3000)');
    await board.press('G', KEYS.up);
    await board.waitFor('› ✓ card 00002');
    const other = openReplica(ctx.replica().path);
    try {
      other.sqlite.prepare("INSERT INTO tasks (id, title, status, created_at, updated_at, sync_status) VALUES ('ffffffff-0000-7000-8000-000000000000', 'newest', 'todo', ?, ?, 'synced')").run(NOW + 9_999, NOW + 9_999);
    } finally {
      other.close();
    }
    const frame = await board.waitFor('To do (3001)', 2_000);
    expect(frame).toContain('› ✓ card 00002');
    await board.press('g');
    await board.waitFor('› ✓ newest');
  });

  it('moves a card from deep in one column into the middle of another, the selection following it', async () => {
    const { ctx, model } = await boardSetup();
    seed(ctx.replica(), 500);
    const board = renderBoard(model, { rows: 24 });
    await board.waitFor('To do (500)');
    await board.press('G', KEYS.up, KEYS.up);
    await board.waitFor('› ✓ card 00003');
    await board.press(']');
    const moved = await board.waitFor('In progress (1)');
    expect(moved).toContain('To do (499)');
    expect(moved).toMatch(/› ↑ card 00003/);
  });
});
