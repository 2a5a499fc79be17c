/**
 * The task model through the commands: due, priority, tags, blocked-by and
 * notes on add/update/note, list's filters and sorts, the JSON, and bad
 * values refused with exit 2 (UsageError) naming the flag, changing nothing.
 */
import { describe, expect, it } from 'vitest';
import { addCommand } from '../../src/commands/add.js';
import { listCommand } from '../../src/commands/list.js';
import { noteCommand } from '../../src/commands/note.js';
import { showCommand } from '../../src/commands/show.js';
import { updateCommand } from '../../src/commands/update.js';
import { addTask } from '../../src/db/tasks.js';
import { UsageError } from '../../src/errors.js';
import { rows, testContext } from '../helpers/replica.js';

const NOW = Date.UTC(2026, 11, 1, 12); // Tuesday
const DAY = 86_400_000;
type Json = Record<string, unknown>;
/** The last JSON document the command printed (the reporter keeps every one). */
const last = <T = Json>(ctx: ReturnType<typeof testContext>): T => JSON.parse(ctx.reporter.stdout.at(-1)!) as T;

function setup() {
  const ctx = testContext({ json: true, now: () => NOW });
  const counts = () => ({ tasks: rows(ctx.replica(), 'tasks').length, ops: rows(ctx.replica(), 'outbox').length, tags: rows(ctx.replica(), 'task_tags').length });
  const list = async (options: Record<string, unknown>) => {
    await listCommand({ json: true, ...options } as never, ctx);
    return last<Json[]>(ctx).map((t) => t.title);
  };
  return { ctx, counts, list };
}

describe('the task model in the CLI', () => {
  it('add takes --due, --priority, --tag and --blocked-by; the JSON has due (ISO UTC), priority, sorted tags, blockedBy and blocked', async () => {
    const { ctx } = setup();
    const blocker = addTask(ctx.replica(), { title: 'Blocker' }, NOW);
    await addCommand({ title: 'Pay rent' }, { due: '2026-12-24T17:00Z', priority: 'H', tag: ['money', 'home', 'money'], blockedBy: [blocker.id.slice(24, 32)] }, ctx);
    const task = last(ctx);
    expect(task).toMatchObject({ due: '2026-12-24T17:00:00.000Z', priority: 'H', tags: ['home', 'money'], blockedBy: [blocker.id], blocked: true });
    // One task op and one op per member record.
    expect(rows(ctx.replica(), 'outbox').map((o) => (o as { table_name: string }).table_name).sort()).toEqual(['task_blockers', 'task_tags', 'task_tags', 'tasks', 'tasks']);
  });

  it('update: --tag adds, --untag removes, "" clears due and priority, --unblock stops waiting; finished blockers do not block', async () => {
    const { ctx } = setup();
    const blocker = addTask(ctx.replica(), { title: 'Blocker' }, NOW);
    const task = addTask(ctx.replica(), { title: 'T', tag: ['a'], due: 'tomorrow', priority: 'M', blockedBy: [blocker.id] }, NOW);
    await updateCommand(task.id, { tag: ['b'], untag: ['a'] }, ctx);
    expect(last(ctx)).toMatchObject({ tags: ['b'], blocked: true });
    await updateCommand(blocker.id, { status: 'done' }, ctx);
    await updateCommand(task.id, { due: '', priority: '' }, ctx);
    expect(last(ctx)).toMatchObject({ due: null, priority: null, blockedBy: [blocker.id], blocked: false });
    await updateCommand(task.id, { unblock: [blocker.id] }, ctx);
    expect(last(ctx)).toMatchObject({ blockedBy: [] });
  });

  it.each([
    ['--due someday', { due: 'someday' }, /^due "someday" is not a date or time/],
    ['--priority X', { priority: 'X' }, /^priority "X" is not one of H, M, L/],
    ['--tag with a space', { tag: ['two words'] }, /^--tag "two words" must be one word/],
    ['--tag with a control character', { tag: ['a\u0007'] }, /^--tag "a\\u0007" must be one word/],
    ['--blocked-by an unknown id', { blockedBy: ['ffffffff'] }, /^--blocked-by: no task with id "ffffffff"/],
  ])('%s exits 2 naming the flag and changes nothing', async (_name, options, message) => {
    const { ctx, counts } = setup();
    const task = addTask(ctx.replica(), { title: 'T' }, NOW);
    const before = counts();
    await expect(addCommand({ title: 'New' }, options as never, ctx)).rejects.toThrow(message);
    await expect(updateCommand(task.id, options as never, ctx)).rejects.toBeInstanceOf(UsageError);
    expect(counts()).toEqual(before);
  });

  it('refuses a blocked-by cycle locally (itself, or through another task), changing nothing', async () => {
    const { ctx, counts } = setup();
    const a = addTask(ctx.replica(), { title: 'A' }, NOW);
    const b = addTask(ctx.replica(), { title: 'B', blockedBy: [a.id] }, NOW);
    const before = counts();
    await expect(updateCommand(a.id, { blockedBy: [b.id] }, ctx)).rejects.toThrow(/^--blocked-by .* would make a cycle/);
    await expect(updateCommand(a.id, { blockedBy: [a.id] }, ctx)).rejects.toThrow(/would make a cycle/);
    expect(counts()).toEqual(before);
  });

  it('list filters by tags (all must match), priority, due, overdue and blocked, and sorts by due and priority', async () => {
    const { ctx, list } = setup();
    const late = addTask(ctx.replica(), { title: 'late', due: new Date(NOW - DAY).toISOString(), priority: 'L', tag: ['home'] }, NOW - 4);
    addTask(ctx.replica(), { title: 'soon', due: new Date(NOW + DAY).toISOString(), priority: 'H', tag: ['home', 'money'] }, NOW - 3);
    addTask(ctx.replica(), { title: 'later', due: new Date(NOW + 9 * DAY).toISOString(), blockedBy: [late.id] }, NOW - 2);
    addTask(ctx.replica(), { title: 'undated', priority: 'M' }, NOW - 1);
    expect(await list({ tag: ['home'] })).toEqual(['soon', 'late']);
    expect(await list({ tag: ['home', 'money'] })).toEqual(['soon']);
    expect(await list({ priority: 'H,M' })).toEqual(['undated', 'soon']);
    expect(await list({ dueBefore: '+2d' })).toEqual(['soon', 'late']);
    expect(await list({ overdue: true })).toEqual(['late']);
    expect(await list({ blocked: true })).toEqual(['later']);
    expect(await list({ unblocked: true, sort: 'due' })).toEqual(['late', 'soon', 'undated']);
    expect(await list({ sort: 'due' })).toEqual(['late', 'soon', 'later', 'undated']);
    expect(await list({ sort: '-due' })).toEqual(['later', 'soon', 'late', 'undated']);
    expect(await list({ sort: 'priority' })).toEqual(['soon', 'undated', 'late', 'later']);
    await expect(list({ priority: 'X' })).rejects.toThrow(/^--priority "X" is not one of H, M, L/);
    await expect(list({ dueBefore: 'someday' })).rejects.toThrow(/^--due-before "someday" is not a date/);
    await expect(list({ sort: 'colour' })).rejects.toThrow(/^--sort "colour" is not one of created, updated, title, status, due, priority/);
  });

  it('convoy note adds a timestamped note that show lists (JSON: notes [{id, text, createdAt}])', async () => {
    const { ctx } = setup();
    const task = addTask(ctx.replica(), { title: 'T' }, NOW);
    await noteCommand(task.id.slice(24, 32), ['Called', 'the', 'bank'], {}, ctx, null);
    await noteCommand(task.id, ['-'], {}, ctx, async () => 'line one\nline two\n');
    await expect(noteCommand(task.id, [], {}, ctx, null)).rejects.toThrow(/^text: give the note/);
    await showCommand(task.id, {}, ctx);
    const shown = last<{ notes: Json[]; warnings: string[] }>(ctx);
    expect(shown.notes).toEqual([
      { id: expect.any(String), text: 'Called the bank', createdAt: new Date(NOW).toISOString() },
      { id: expect.any(String), text: 'line one\nline two', createdAt: new Date(NOW).toISOString() },
    ]);
    expect(shown.warnings).toEqual([]);
  });
});
