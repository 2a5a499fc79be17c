/** The board and the task model: cards show priority, due markers, the blocked marker and tags; t tags, N notes. */
import { describe, expect, it } from 'vitest';
import { notesOf } from '../../src/db/notes.js';
import { addTask, getTask } from '../../src/db/tasks.js';
import { boardSetup, columnText, KEYS, renderBoard } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;

describe('the task model on the board', () => {
  it('cards show priority, overdue (!) and due-soon (~) markers, the blocked marker and tags where they fit', async () => {
    const { ctx, model } = await boardSetup();
    const now = Date.now();
    const blocker = addTask(ctx.replica(), { title: 'Blocker' }, now - 3);
    addTask(ctx.replica(), { title: 'Late', priority: 'H', due: new Date(now - DAY).toISOString(), tag: ['home'] }, now - 2);
    addTask(ctx.replica(), { title: 'Soon', priority: 'L', due: new Date(now + DAY / 2).toISOString(), blockedBy: [blocker.id] }, now - 1);
    const board = renderBoard(model);
    const frame = await board.waitFor('Soon');
    const column = columnText(frame, 'To do', 100, 5);
    expect(column).toMatch(/↑ H ! Late #home/);
    expect(column).toMatch(/↑ L ~ ⧗ Soon/);
    expect(column).toMatch(/↑ Blocker/);
  });

  it('t adds a tag and N a note to the selected task; the details show due, tags, blocked by and notes', async () => {
    const { ctx, model } = await boardSetup();
    const task = addTask(ctx.replica(), { title: 'Pay rent', due: '2030-01-02T03:04:00Z' }, Date.now());
    const board = renderBoard(model);
    await board.waitFor('Pay rent');
    await board.press('t', 'money', KEYS.enter);
    await board.waitFor('Tagged money');
    await board.press('t', 'two words', KEYS.enter);
    await board.waitFor('--tag "two words" must be one word');
    await board.press(KEYS.escape, 'N', 'Called the bank', KEYS.enter);
    await board.waitFor('Note added');
    expect(getTask(ctx.replica(), task.id)?.tags).toEqual(['money']);
    expect(notesOf(ctx.replica(), task.id).map((n) => n.text)).toEqual(['Called the bank']);
    await board.press(KEYS.enter);
    const detail = await board.waitFor('Called the bank');
    expect(detail).toMatch(/due +2030-01-02 \d\d:04:00/);
    expect(detail).toMatch(/tags +money/);
  });
});
