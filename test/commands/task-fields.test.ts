/**
 * The task's JSON, `show` view, import keys and update message are derived
 * from its declaration; these pin what a user sees to what it was when they
 * were written by hand (same keys, same order, same words).
 */
import { describe, expect, it } from 'vitest';
import { parseImportLine } from '../../src/commands/import.js';
import { showCommand } from '../../src/commands/show.js';
import { updateCommand } from '../../src/commands/update.js';
import { addProject } from '../../src/db/projects.js';
import { addTask, changeTask } from '../../src/db/tasks.js';
import { testContext } from '../helpers/replica.js';
import { localTime } from '../../src/output/format.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('task fields from the declaration', () => {
  it('task JSON: id, the fields in order, times as ISO strings, then updatedAt and syncStatus', async () => {
    const ctx = testContext({ json: true });
    const task = addTask(ctx.replica(), { title: 'A', status: 'done' }, T0);
    await showCommand(task.id, {}, ctx);
    const shown = ctx.reporter.parsed<Record<string, unknown>>();
    expect(Object.keys(shown)).toEqual([
      'id', 'title', 'description', 'status', 'stage', 'projectId', 'parentId', 'completedAt', 'due', 'priority', 'createdAt',
      'tags', 'blockedBy', 'updatedAt', 'syncStatus', 'blocked', 'notes', 'queuedOps', 'cycles', 'conflicts', 'workspace',
    ]);
    expect(shown).toMatchObject({ completedAt: '2026-01-02T03:04:05.000Z', createdAt: '2026-01-02T03:04:05.000Z', projectId: null, stage: '', cycles: [], conflicts: [], workspace: { id: null, name: 'personal' } });
  });

  it('show: the labelled fields in order, then created, updated, completed and sync', async () => {
    const ctx = testContext();
    const project = addProject(ctx.replica(), { name: 'Website' }, T0);
    const parent = addTask(ctx.replica(), { title: 'Parent' }, T0);
    const task = addTask(ctx.replica(), { title: 'Child', stage: 'review', project: 'Website', parent: parent.id }, T0);
    changeTask(ctx.replica(), task.id, { status: 'done' }, T0 + 1_000);
    await showCommand(task.id, {}, ctx);
    const labels = ctx.reporter.stdout[0]!.split('\n\n')[0]!.split('\n').map((line) => line.split(':')[0]);
    expect(labels).toEqual(['id', 'title', 'status', 'stage', 'project', 'parent', 'priority', 'tags', 'blocked by', 'created', 'updated', 'completed', 'due', 'sync']);
    // Refs by name and short id, times in local time.
    const short = (id: string) => id.slice(24, 30);
    expect(ctx.reporter.stdout[0]).toMatch(new RegExp(`stage: +review\\nproject: +Website \\(${short(project.id)}\\)\\nparent: +Parent \\(${short(parent.id)}`));
    expect(ctx.reporter.stdout[0]).toMatch(new RegExp(`completed: +${localTime(T0 + 1_000).replace('+', '\\+')}`));
  });

  it('import: the keys a line may hold are op, id and the input names', () => {
    expect(parseImportLine('{"op":"create","title":"x","projectId":"y"}', 1)).toBe(
      'unknown field "projectId"; use op, id, title, description, status, stage, project, parent, due, priority, completedAt, createdAt, updatedAt, tags, blockedBy, notes',
    );
  });

  it('update: names every flag when there is nothing to change', async () => {
    const ctx = testContext();
    await expect(updateCommand('ffffffff', {}, ctx)).rejects.toThrow(
      'update: nothing to change; give at least one of --title, --description, --status, --stage, --project, --parent',
    );
  });
});
