/**
 * Export and import round trip, and the way in from Taskwarrior, through the
 * built binary: all or nothing, nothing changed on failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { counts } from './helpers.js';

beforeAll(ensureBuilt);

type Task = Record<string, unknown> & { id: string; title: string };
const list = (home: string) => JSON.parse(convoy(home, ['list', '--all', '--json']).stdout) as Task[];
/** list --json without the replica-local sync state (a fresh replica has everything still to push). */
const portable = (tasks: Task[]) => tasks.map(({ syncStatus: _s, ...rest }) => rest);

describe('export → import', () => {
  it('reproduces the same list --json in a fresh replica (ids, projects by name, parents, times)', () => {
    const home = tempHome();
    convoy(home, ['project', 'add', 'Website', '--description', 'the site']);
    const parent = convoy(home, ['add', '-q', 'Parent', '--project', 'website']).stdout.trim();
    const child = convoy(home, ['add', '-q', 'Child', '--parent', parent, '--stage', 'review', '--description', 'two\nlines', '--due', '2030-01-02T03:04Z', '--priority', 'H', '--tag', 'b', '--tag', 'a', '--blocked-by', parent]).stdout.trim();
    convoy(home, ['note', child, 'first note']);
    convoy(home, ['add', 'Done one', '--status', 'done']);
    convoy(home, ['add', 'Dropped', '--status', 'canceled']);
    const exported = convoy(home, ['export', '--all']);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout.split('\n')[0]).toMatch(/^\{"op":"project","id":"[0-9a-f-]{36}","name":"Website","description":"the site"/);

    const copy = tempHome();
    const imported = convoy(copy, ['import'], { input: exported.stdout });
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(portable(list(copy))).toEqual(portable(list(home)));
    expect(JSON.parse(convoy(copy, ['project', 'list', '--json']).stdout)).toMatchObject([{ name: 'Website', description: 'the site' }]);
    expect(list(copy).find((t) => t.title === 'Child')).toMatchObject({ due: '2030-01-02T03:04:00.000Z', priority: 'H', tags: ['a', 'b'], blockedBy: [parent], blocked: true });
    const notes = (at: string) => (JSON.parse(convoy(at, ['show', child, '--json']).stdout) as { notes: { text: string; createdAt: string }[] }).notes.map(({ text, createdAt }) => ({ text, createdAt }));
    expect(notes(copy)).toEqual(notes(home));

    // The JSON-array form reads back too; without --all only open tasks are exported.
    const array = convoy(home, ['export', '--format', 'json']).stdout;
    expect(JSON.parse(array).filter((l: { op: string }) => l.op === 'create')).toHaveLength(2);
    const third = tempHome();
    expect(convoy(third, ['import'], { input: array }).code).toBe(0);
    expect(list(third).map((t) => t.title).sort()).toEqual(['Child', 'Parent']);
  });

  it('importing an export twice is refused whole: exit 2, nothing written', () => {
    const home = tempHome();
    convoy(home, ['add', 'Once']);
    const exported = convoy(home, ['export']).stdout;
    const before = counts(home);
    const again = convoy(home, ['import'], { input: exported });
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toMatch(/line 1: id .* already exists/);
    expect(counts(home)).toEqual(before);
  });
});

const TASKWARRIOR = [
  {
    id: 1, uuid: '5b6d4f2e-8f7a-4c2b-9e3d-1a2b3c4d5e6f', description: 'Write the report', status: 'pending', project: 'Work',
    entry: '20240102T030405Z', modified: '20240103T030405Z', tags: ['docs', 'q1'], priority: 'H', due: '20240201T000000Z',
    annotations: [{ entry: '20240102T040000Z', description: 'ask Sam' }], urgency: 9.1,
  },
  { id: 0, uuid: 'A1B2C3D4-0000-4000-8000-000000000001', description: 'Old thing', status: 'completed', entry: '20231201T000000Z', end: '20231205T000000Z' },
  { id: 0, uuid: 'not-a-uuid', description: 'Gone', status: 'deleted', project: 'work' },
  { id: 2, uuid: '5b6d4f2e-8f7a-4c2b-9e3d-000000000002', description: 'Later', status: 'waiting', wait: '20300101T000000Z' },
];

describe('import --from taskwarrior', () => {
  it('maps description, status, project, uuid, times, tags, priority, due and annotations (as notes); keeps the rest in the description', () => {
    const home = tempHome();
    const file = join(home, 'tw.json');
    writeFileSync(file, JSON.stringify(TASKWARRIOR));
    const result = convoy(home, ['import', '--from', 'taskwarrior', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ created: 5 }); // a project and four tasks
    const byTitle = Object.fromEntries(list(home).map((t) => [t.title, t]));
    const projects = JSON.parse(convoy(home, ['project', 'list', '--json']).stdout) as { id: string; name: string }[];
    expect(projects.map((p) => p.name)).toEqual(['Work']);
    expect(byTitle['Write the report']).toMatchObject({
      id: '5b6d4f2e-8f7a-4c2b-9e3d-1a2b3c4d5e6f',
      status: 'todo',
      projectId: projects[0]!.id,
      createdAt: '2024-01-02T03:04:05.000Z',
      updatedAt: '2024-01-03T03:04:05.000Z',
      description: '',
      due: '2024-02-01T00:00:00.000Z',
      priority: 'H',
      tags: ['docs', 'q1'],
    });
    const shown = JSON.parse(convoy(home, ['show', byTitle['Write the report']!.id as string, '--json']).stdout) as { notes: unknown[] };
    expect(shown.notes).toMatchObject([{ text: 'ask Sam', createdAt: '2024-01-02T04:00:00.000Z' }]);
    expect(byTitle['Old thing']).toMatchObject({ id: 'a1b2c3d4-0000-4000-8000-000000000001', status: 'done', completedAt: '2023-12-05T00:00:00.000Z' });
    expect(byTitle.Gone).toMatchObject({ status: 'canceled', projectId: projects[0]!.id });
    expect(byTitle.Gone!.id).not.toBe('not-a-uuid');
    expect(byTitle.Later).toMatchObject({ status: 'todo', description: 'wait: 2030-01-01T00:00:00.000Z' });
  });

  it('is all or nothing: one bad task fails the import with its position, nothing written', () => {
    const home = tempHome();
    convoy(home, ['add', 'seed']);
    const before = counts(home);
    const bad = [...TASKWARRIOR, { uuid: '5b6d4f2e-8f7a-4c2b-9e3d-000000000009', description: 'x', status: 'recurringish' }];
    const result = convoy(home, ['import', '--from', 'taskwarrior', '-'], { input: JSON.stringify(bad) });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/task 5: status "recurringish" is not pending, waiting, recurring, completed or deleted/);
    expect(counts(home)).toEqual(before);
    expect(convoy(home, ['import', '--from', 'omnifocus'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--from "omnifocus" is not convoy or taskwarrior/) });
  });
});
