/**
 * The CLI contract, through the real binary: exit codes, one JSON document on
 * stdout, one clear stderr line for bad input, nothing written on error.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { convoy, ensureBuilt } from './helpers/cli.js';
import { tempHome } from './helpers/replica.js';

beforeAll(ensureBuilt);

function counts(home: string) {
  const db = new Database(join(home, 'replica.db'), { readonly: true });
  const result = {
    tasks: db.prepare('SELECT count(*) FROM tasks').pluck().get(),
    ops: db.prepare('SELECT count(*) FROM outbox').pluck().get(),
    projects: db.prepare('SELECT count(*) FROM projects').pluck().get(),
  };
  db.close();
  return result;
}

describe('convoy add/list/show --json', () => {
  it('prints exactly one JSON document with the task shape', () => {
    const home = tempHome();
    const added = convoy(home, ['add', 'Fix login', '--status', 'in_progress', '--stage', 'dev', '--json']);
    expect(added.code).toBe(0);
    expect(added.stderr).toBe('');
    const task = JSON.parse(added.stdout);
    expect(Object.keys(task).sort()).toEqual(
      ['id', 'title', 'description', 'status', 'stage', 'projectId', 'parentId', 'completedAt', 'due', 'priority', 'createdAt', 'tags', 'blockedBy', 'updatedAt', 'syncStatus', 'blocked'].sort(),
    );
    expect(task).toMatchObject({ title: 'Fix login', status: 'in_progress', stage: 'dev', syncStatus: 'pending', completedAt: null });
    expect(new Date(task.createdAt).toISOString()).toBe(task.createdAt);

    const listed = convoy(home, ['list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([task]);
    const shown = JSON.parse(convoy(home, ['show', task.id.slice(0, 36), '--json']).stdout);
    expect(shown).toMatchObject({ ...task, queuedOps: [expect.objectContaining({ op: 'create', recordId: task.id })] });

    const done = JSON.parse(convoy(home, ['update', task.id, '--status', 'done', '--json']).stdout);
    expect(done.completedAt).not.toBeNull();
    expect(counts(home)).toMatchObject({ tasks: 1, ops: 2 });
  });

  it('prints human output without colour when stdout is not a terminal', () => {
    const home = tempHome();
    convoy(home, ['add', 'Plain text']);
    const listed = convoy(home, ['list']);
    expect(listed.stdout).toMatch(/ID\s+STATUS\s+SYNC\s+TITLE\n.*todo\s+↑ pending\s+Plain text/);
    expect(listed.stdout).not.toContain('\u001b[');
  });
});

describe('bad input: exit 2, one line naming the field, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['empty title', ['add', ''], /title must not be empty/],
    ['whitespace title', ['add', '   '], /title must not be empty/],
    ['title over 500 characters', ['add', 'x'.repeat(501)], /title is 501 characters; shorten it to at most 500/],
    ['control characters in title', ['add', 'ring\u0007bell'], /title contains control characters/],
    ['bidi override in title', ['add', 'invoice\u202Efdp.exe'], /title contains bidirectional control characters .*; remove them/],
    ['only zero-width characters in title', ['add', '\u200b\u200d\u2060'], /title has no visible character; give some text/],
    ['unknown status', ['add', 'x', '--status', 'doing'], /--status.*doing.*Allowed choices are todo, in_progress, done, canceled/],
    ['unknown project', ['add', 'x', '--project', 'Nowhere'], /project: no project named or with id "Nowhere"/],
    ['unknown parent', ['add', 'x', '--parent', 'abcdef12'], /parent: no task with id "abcdef12"/],
    ['short id', ['update', 'abc', '--title', 'y'], /id "abc" is too short; give the short id convoy list prints, or the full id/],
    ['unknown id', ['update', 'ffffffff', '--title', 'y'], /no task with id "ffffffff"/],
    ['update without changes', ['update', 'ffffffff'], /nothing to change/],
    ['unknown list status', ['list', '--status', 'todo,later'], /--status "later" is not one of/],
    ['bad limit', ['list', '--limit', 'many'], /--limit "many" must be a whole number/],
    ['unknown option', ['add', 'x', '--colour', 'red'], /unknown option '--colour'/],
    ['unknown config key', ['config', 'set', 'convex.uri', 'x'], /unknown config key "convex.uri"/],
    ['bad config URL', ['config', 'set', 'convex.url', 'not a url'], /convex.url must be a URL/],
  ];

  it.each(cases)('%s', (_name, args, message) => {
    const home = tempHome();
    convoy(home, ['add', 'seed']);
    const before = counts(home);
    const result = convoy(home, args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')[0]).toMatch(message);
    expect(counts(home)).toEqual(before);
  });

  it('ambiguous prefix lists the matches', () => {
    const home = tempHome();
    const ids = [1, 2, 3].map((n) => JSON.parse(convoy(home, ['add', `t${n}`, '--json']).stdout).id as string);
    let prefix = ids[0]!.slice(0, 4);
    while (ids.every((id) => id.startsWith(prefix + ids[0]![prefix.length]))) prefix += ids[0]![prefix.length];
    const matching = ids.filter((id) => id.startsWith(prefix));
    const result = convoy(home, ['show', prefix]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ambiguous: matches/);
    for (const id of matching) expect(result.stderr).toContain(id);
  });

  it('parent that would make a cycle', () => {
    const home = tempHome();
    const a = JSON.parse(convoy(home, ['add', 'A', '--json']).stdout).id;
    const b = JSON.parse(convoy(home, ['add', 'B', '--parent', a, '--json']).stdout).id;
    const result = convoy(home, ['update', a, '--parent', b]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/parent .* would make a cycle/);
    expect(counts(home)).toMatchObject({ tasks: 2, ops: 2 });
  });
});

describe('exit codes and help', () => {
  it('refuses a replica from a newer convoy with exit 5', () => {
    const home = tempHome();
    convoy(home, ['add', 'x']);
    const db = new Database(join(home, 'replica.db'));
    db.pragma('user_version = 999');
    db.close();
    const result = convoy(home, ['list']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/newer than this convoy/);
  });

  it.each([[[]], [['add']], [['update']], [['list']], [['show']], [['note']], [['import']], [['status']], [['project', 'add']], [['project', 'list']], [['config']], [['config', 'set']], [['init']], [['sync']], [['conflicts']], [['resolve']], [['retry']], [['verify']], [['dev', 'token']], [['workspace']], [['workspace', 'create']], [['workspace', 'list']], [['workspace', 'use']], [['workspace', 'members']], [['workspace', 'add-member']], [['workspace', 'remove-member']], [['workspace', 'leave']], [['workspace', 'forget']]])(
    'convoy %j --help shows examples',
    (args) => {
      const result = convoy(tempHome(), [...args, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ convoy /);
    },
  );

  it.each([
    ['add', ['--due', '--priority', '--tag', '--blocked-by']],
    ['update', ['--due', '--priority', '--tag', '--untag', '--blocked-by', '--unblock']],
    ['list', ['--tag', '--priority', '--due-before', '--overdue', '--blocked', '--unblocked', '--sort due', '--sort -priority']],
  ])('convoy %s --help has an example of each task-model flag', (command, flags) => {
    const examples = convoy(tempHome(), [command, '--help']).stdout.split('Examples:')[1]!;
    for (const flag of flags) expect(examples, flag).toMatch(new RegExp(`${flag}( |$)`, 'm'));
  });

  it('workspaces without a backend: list shows personal (saying why), an unknown name is exit 2 naming the flag, --json errors say so', () => {
    const home = tempHome();
    const list = convoy(home, ['workspace', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ id: null, name: 'personal', role: 'owner', personal: true, state: 'active', current: true, pending: 0 }]);
    expect(list.stderr).toMatch(/no backend configured/);
    const add = convoy(home, ['add', 'x', '--workspace', 'Team']);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/^error: --workspace: no workspace named or with id "Team"; see convoy workspace list/);
    const use = convoy(home, ['workspace', 'use', 'Team', '--json']);
    expect(use.code).toBe(2);
    expect(JSON.parse(use.stderr).error).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/^<name>: no workspace/) });
    expect(convoy(home, ['workspace', 'forget', 'personal']).code).toBe(2);
    const create = convoy(home, ['workspace', 'create', 'Team']);
    expect(create.code).toBe(5);
    expect(convoy(home, ['workspace', 'add-member', 'Team', 'bob', '--role', 'boss']).code).toBe(2);
    expect(convoy(home, ['status']).stdout).toMatch(/^workspace:\s+personal\n/);
  });

  it('an unknown command is a usage error', () => {
    const result = convoy(tempHome(), ['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
