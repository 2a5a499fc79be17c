import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCommand } from '../../src/commands/import.js';
import { addTask } from '../../src/db/tasks.js';
import { UsageError } from '../../src/errors.js';
import { rows, tempHome, testContext } from '../helpers/replica.js';

const noStdin = () => Promise.reject(new Error('no stdin in this test'));
const lines = (...objects: unknown[]) => objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n');

function fileWith(text: string): string {
  const path = join(tempHome(), 'tasks.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('convoy import', () => {
  it('applies creates and updates in order, in one transaction', async () => {
    const ctx = testContext({ json: true });
    const existing = addTask(ctx.replica(), { title: 'Existing' }, 1);
    const id = '01900000-0000-7000-8000-000000000001';
    const text = lines(
      { op: 'create', id, title: 'Imported', status: 'in_progress' },
      '',
      { op: 'update', id, status: 'done' },
      { op: 'update', id: existing.id.slice(0, 36), title: 'Existing' },
      { op: 'create', title: 'Child', parent: id },
    );
    await importCommand(fileWith(text), {}, ctx, noStdin);
    expect(ctx.reporter.parsed()).toMatchObject({ created: 2, updated: 1, unchanged: 1 });
    const tasks = rows<{ id: string; status: string; parent_id: string | null }>(ctx.replica(), 'tasks');
    expect(tasks.find((t) => t.id === id)?.status).toBe('done');
    expect(tasks.find((t) => t.parent_id === id)).toBeDefined();
    expect(rows(ctx.replica(), 'outbox')).toHaveLength(1 + 3);
  });

  it('reads stdin for - and for no file', async () => {
    const ctx = testContext();
    await importCommand('-', {}, ctx, async () => Buffer.from(lines({ op: 'create', title: 'From stdin' })));
    await importCommand(undefined, {}, ctx, async () => Buffer.from(lines({ op: 'create', title: 'Again' })));
    expect(rows(ctx.replica(), 'tasks')).toHaveLength(2);
    expect(ctx.reporter.stdout[0]).toMatch(/Imported 1 lines from stdin: 1 created/);
  });

  it.each([
    ['malformed JSON', '{"op":"create","title":', /line 2: not valid JSON/],
    ['unknown op', '{"op":"delete","id":"0190"}', /line 2: op "delete" is not "create", "update" or "project"/],
    ['unknown field', '{"op":"create","title":"x","colour":1}', /line 2: unknown field "colour"/],
    ['non-string field', '{"op":"create","title":7}', /line 2: title must be a string/],
    ['array line', '[1,2]', /line 2: must be a JSON object/],
    ['update without id', '{"op":"update","title":"x"}', /line 2: an update needs the "id"/],
    ['bad status', '{"op":"create","title":"x","status":"later"}', /line 2: status "later" is not one of/],
    ['empty title', '{"op":"create","title":" "}', /line 2: title must not be empty/],
    ['unknown update id', '{"op":"update","id":"ffffffff","title":"x"}', /line 2: id: no task with id "ffffffff"/],
    ['unknown project', '{"op":"create","title":"x","project":"Nope"}', /line 2: project: no project named/],
  ])('%s: exit 2 naming the line, nothing written', async (_name, bad, message) => {
    const ctx = testContext();
    const text = lines({ op: 'create', title: 'good one' }, bad, { op: 'create', title: 'good two' });
    const error = await importCommand(fileWith(text), {}, ctx, noStdin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/1 invalid line in .*tasks.jsonl; nothing was imported/);
    expect((error as Error).message).toMatch(message);
    expect(rows(ctx.replica(), 'tasks')).toHaveLength(0);
    expect(rows(ctx.replica(), 'outbox')).toHaveLength(0);
  });

  it('reports every bad line at once', async () => {
    const ctx = testContext();
    const text = lines({ op: 'nope' }, { op: 'create', title: 'fine' }, 'x', { op: 'create', title: 'x', status: 'bad' });
    const error = (await importCommand(fileWith(text), {}, ctx, noStdin).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/2 invalid lines/);
    expect(error.message).toMatch(/line 1: op/);
    expect(error.message).toMatch(/line 3: not valid JSON/);
    const late = (await importCommand(fileWith(lines({ op: 'create', title: 'ok' }, { op: 'create', title: 'x', status: 'bad' }, { op: 'create', title: '' })), {}, ctx, noStdin).catch(
      (e: unknown) => e,
    )) as Error;
    expect(late.message).toMatch(/2 invalid lines[\s\S]*line 2: status[\s\S]*line 3: title/);
  });

  it('refuses a create whose id already exists, and a missing file', async () => {
    const ctx = testContext();
    const task = addTask(ctx.replica(), { title: 'x' }, 1);
    await expect(importCommand(fileWith(lines({ op: 'create', id: task.id, title: 'dup' })), {}, ctx, noStdin)).rejects.toThrow(/already exists/);
    await expect(importCommand('/nonexistent/file.jsonl', {}, ctx, noStdin)).rejects.toThrow(/file: cannot read \/nonexistent\/file.jsonl \(ENOENT\)/);
    expect(rows(ctx.replica(), 'tasks')).toHaveLength(1);
  });
});
