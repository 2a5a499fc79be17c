/** `convoy import` and `convoy export` act on one workspace: --workspace, else the current one. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/commands/export.js';
import { importCommand } from '../../src/commands/import.js';
import { workspaceCreateCommand, workspaceUseCommand } from '../../src/commands/workspace.js';
import { listTasks } from '../../src/db/tasks.js';
import { listLocalWorkspaces } from '../../src/db/workspaces.js';
import { UsageError } from '../../src/errors.js';
import { tempHome } from '../helpers/replica.js';
import { memoryTeam } from './workspace-helpers.js';

const noStdin = () => Promise.reject(new Error('no stdin in this test'));

function file(...objects: unknown[]): string {
  const path = join(tempHome(), 'tasks.jsonl');
  writeFileSync(path, objects.map((o) => JSON.stringify(o)).join('\n'));
  return path;
}

describe('import and export per workspace', () => {
  it('import creates tasks and projects in --workspace or the current one; export writes only that workspace', async () => {
    const ctx = memoryTeam().user('iris', { json: false });
    await workspaceCreateCommand('Team', {}, ctx);
    const team = listLocalWorkspaces(ctx.replica()).find((w) => w.name === 'Team')!.id;

    await importCommand(file({ op: 'project', name: 'Web' }, { op: 'create', title: 'Team task', project: 'Web' }), { workspace: 'Team' }, ctx, noStdin);
    await importCommand(file({ op: 'create', title: 'Personal task' }), {}, ctx, noStdin);
    expect(listTasks(ctx.replica(), { workspace: team }).map((t) => t.title)).toEqual(['Team task']);
    expect(listTasks(ctx.replica()).map((t) => t.title)).toEqual(['Personal task']);

    await workspaceUseCommand('Team', {}, ctx);
    await importCommand(file({ op: 'create', title: 'Second team task' }), {}, ctx, noStdin);
    expect(listTasks(ctx.replica(), { workspace: team }).map((t) => t.title)).toEqual(['Second team task', 'Team task']);

    ctx.reporter.stdout.length = 0;
    await exportCommand({}, ctx);
    const exported = ctx.reporter.stdout.join('\n').split('\n').map((line) => JSON.parse(line) as { op: string; name?: string; title?: string });
    expect(exported.map((l) => l.name ?? l.title).sort()).toEqual(['Second team task', 'Team task', 'Web']);
    ctx.reporter.stdout.length = 0;
    await exportCommand({ workspace: 'personal' }, ctx);
    expect(ctx.reporter.stdout.join('\n').split('\n').map((line) => (JSON.parse(line) as { title: string }).title)).toEqual(['Personal task']);

    await expect(importCommand(file({ op: 'create', title: 'x' }), { workspace: 'Nope' }, ctx, noStdin)).rejects.toThrow(UsageError);
  });
});
