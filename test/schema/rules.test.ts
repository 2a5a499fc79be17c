import { describe, expect, it } from 'vitest';
import { checkFields } from '../../src/schema/rules.js';
import { tableDecl } from '../../src/schema/registry.js';

const create = (fields: Record<string, string | number | null>) => checkFields(tableDecl('tasks'), { createdAt: 1, ...fields }, 'create');

describe('checkFields', () => {
  it('accepts a minimal task and a full one', () => {
    expect(create({ title: 'x' })).toBeNull();
    expect(
      create({ title: 'x', description: 'multi\nline\ttext', status: 'done', stage: 's', projectId: null, parentId: null, completedAt: 5 }),
    ).toBeNull();
  });

  it.each([
    [{ title: '' }, 'title', /must not be empty/],
    [{ title: ' \t ' }, 'title', /must not be empty/],
    [{}, 'title', /required/],
    [{ title: 'x'.repeat(501) }, 'title', /501 characters; shorten it to at most 500/],
    [{ title: 'bell\u0007' }, 'title', /control characters/],
    [{ title: 'two\nlines' }, 'title', /one line/],
    [{ title: 'x', status: 'doing' }, 'status', /not one of todo, in_progress, done, canceled/],
    [{ title: 'x', projectId: 'abc' }, 'projectId', /full UUID/],
    [{ title: 'x', description: 'esc\u001b[31m' }, 'description', /control characters/],
    [{ title: 'x', color: 'red' }, 'color', /not a field of tasks/],
  ])('rejects %j naming %s', (fields, field, message) => {
    const problem = create(fields);
    expect(problem?.field).toBe(field);
    expect(problem?.message).toMatch(message);
  });

  it('checks only the fields present in an update', () => {
    expect(checkFields(tableDecl('tasks'), { stage: 'review' }, 'update')).toBeNull();
    expect(checkFields(tableDecl('tasks'), { title: '' }, 'update')?.field).toBe('title');
    // null would break the NOT NULL column on the servers and fail a whole batch.
    expect(checkFields(tableDecl('tasks'), { status: null }, 'update')?.message).toMatch(/status null is not one of/);
    expect(checkFields(tableDecl('tasks'), { title: 'x', status: null, createdAt: 1 }, 'create')).toBeNull();
    expect(checkFields(tableDecl('projects'), { name: 'Web', createdAt: 1 }, 'create')).toBeNull();
    expect(checkFields(tableDecl('projects'), { createdAt: 1 }, 'create')?.field).toBe('name');
  });
});
