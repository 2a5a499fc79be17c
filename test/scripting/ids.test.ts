/**
 * Ids through the built binary: every id convoy prints resolves to exactly
 * one task, in any form a script or a person passes it back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { counts, createLines } from './helpers.js';

beforeAll(ensureBuilt);

describe('ids', () => {
  it('id=$(convoy add -q …) then update "$id" works, and the quiet forms print only the id', () => {
    const home = tempHome();
    const added = convoy(home, ['add', '-q', 'Buy', 'milk']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const updated = convoy(home, ['update', id, '--status', 'done', '-q']);
    expect(updated).toMatchObject({ code: 0, stdout: `${id}\n`, stderr: '' });
    const project = convoy(home, ['project', 'add', 'Website', '--quiet']);
    expect(project.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  });

  it('the short id list prints, the full id without hyphens and in capitals all resolve', () => {
    const home = tempHome();
    for (const n of [1, 2, 3]) convoy(home, ['add', `t${n}`]);
    const listed = convoy(home, ['list', '--limit', '1']);
    const short = listed.stdout.split('\n')[1]!.split(/\s+/)[0]!;
    expect(short).toMatch(/^[0-9a-f]{6}$/);
    expect(convoy(home, ['update', short, '--status', 'done'])).toMatchObject({ code: 0, stderr: '' });
    const [task] = JSON.parse(convoy(home, ['list', '--all', '--json', '--status', 'done']).stdout) as { id: string }[];
    expect(task!.id.endsWith(short, 30)).toBe(true);
    for (const form of [task!.id.replace(/-/g, ''), task!.id.toUpperCase()]) {
      expect(JSON.parse(convoy(home, ['show', form, '--json']).stdout).id).toBe(task!.id);
    }
  });

  it('an ambiguous id exits 2 listing the matches, and changes nothing', () => {
    const home = tempHome();
    const ids = ['0193d1a0-0000-7000-8000-abcdef000001', '0193d1a0-0000-7000-8000-abcdef000002'];
    convoy(home, ['import'], { input: ids.map((id, i) => JSON.stringify({ op: 'create', id, title: `t${i}` })).join('\n') });
    const before = counts(home);
    const result = convoy(home, ['update', 'abcdef', '--status', 'done']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/id "abcdef" is ambiguous: matches/);
    for (const id of ids) expect(result.stderr).toContain(id);
    expect(counts(home)).toEqual(before);
    // What list prints for them is unique: the whole tail.
    expect(convoy(home, ['list']).stdout).toMatch(/^abcdef000001 /m);
    expect(convoy(home, ['update', 'abcdef000002', '--status', 'done']).code).toBe(0);
  });

  it('on 10,000 imported tasks, ids from list (table and tsv) are short and each updates its task', () => {
    const home = tempHome();
    expect(convoy(home, ['import'], { input: createLines(10_000) }).code).toBe(0);
    const rows = convoy(home, ['list', '--no-header']).stdout.trim().split('\n');
    expect(rows).toHaveLength(10_000);
    const shorts = rows.map((row) => row.split(/\s+/)[0]!);
    expect(new Set(shorts).size).toBe(10_000);
    expect(Math.max(...shorts.map((s) => s.length))).toBeLessThanOrEqual(9);
    const tsv = convoy(home, ['list', '--format', 'tsv']).stdout.trim().split('\n');
    for (const i of [0, 4_999, 9_999]) {
      const [title] = rows[i]!.split(/\s{2,}/).slice(-1);
      const updated = convoy(home, ['update', shorts[i]!, '--stage', 'picked', '--json']);
      expect(updated.code, updated.stderr).toBe(0);
      expect(JSON.parse(updated.stdout)).toMatchObject({ title, stage: 'picked' });
      const fullId = tsv[i]!.split('\t')[0]!;
      expect(convoy(home, ['update', fullId, '--stage', 'again']).code).toBe(0);
    }
  });
});
