/**
 * Project names and `show` through the built binary: names match ignoring
 * case and cannot differ only by case; show prints names and local times.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { counts } from './helpers.js';

beforeAll(ensureBuilt);

describe('project names', () => {
  it('--project matches a name in any case; a name differing only by case is refused with a hint', () => {
    const home = tempHome();
    convoy(home, ['project', 'add', 'Website']);
    expect(convoy(home, ['add', 'Header', '--project', 'WEBSITE']).code).toBe(0);
    expect(JSON.parse(convoy(home, ['list', '--project', 'website', '--json']).stdout)).toHaveLength(1);
    const before = counts(home);
    const clash = convoy(home, ['project', 'add', 'website']);
    expect(clash).toMatchObject({ code: 2, stdout: '' });
    expect(clash.stderr).toMatch(/name: a project named "Website" already exists .*; use --project "Website" or choose another name/);
    expect(counts(home)).toEqual(before);
  });
});

describe('convoy show', () => {
  it('prints the project and parent by name with their short ids, and times in local time', () => {
    const home = tempHome();
    convoy(home, ['project', 'add', 'Website']);
    const parent = convoy(home, ['add', '-q', 'Parent']).stdout.trim();
    const child = convoy(home, ['add', '-q', 'Child', '--project', 'Website', '--parent', parent, '--status', 'done']).stdout.trim();
    const task = JSON.parse(convoy(home, ['show', child, '--json']).stdout) as { createdAt: string; projectId: string };
    const shown = convoy(home, ['show', child], { env: { TZ: 'Asia/Kolkata' } }).stdout;
    expect(shown).toMatch(new RegExp(`^id: +${child} \\(${child.slice(24, 30)}\\)$`, 'm'));
    expect(shown).toMatch(new RegExp(`^project: +Website \\(${task.projectId.slice(24, 30)}\\)$`, 'm'));
    expect(shown).toMatch(new RegExp(`^parent: +Parent \\(${parent.slice(24, 30)}\\)$`, 'm'));
    const local = new Date(Date.parse(task.createdAt) + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(shown).toMatch(new RegExp(`^created: +${local} \\+05:30$`, 'm'));
    expect(shown).toMatch(/^completed: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30$/m);
  });
});
