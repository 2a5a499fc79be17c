/**
 * Capture and output through the built binary: words and stdin become a
 * task; pipes get every character in the format asked for; widths are
 * display widths; colour follows NO_COLOR / FORCE_COLOR.
 */
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { truncate } from '../../src/output/format.js';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { counts } from './helpers.js';

beforeAll(ensureBuilt);

const json = (home: string, args: string[]) => JSON.parse(convoy(home, [...args, '--json']).stdout);

describe('capture', () => {
  it('joins the words of convoy add', () => {
    const home = tempHome();
    expect(convoy(home, ['add', 'Fix', 'the', 'login', '--stage', 'dev']).code).toBe(0);
    expect(json(home, ['list'])).toEqual([expect.objectContaining({ title: 'Fix the login', stage: 'dev' })]);
  });

  it('reads the title (first line) and description (the rest) from stdin with - or with no title', () => {
    const home = tempHome();
    expect(convoy(home, ['add', '-', '-q'], { input: 'From a pipe\nwith details\nover two lines\n' }).code).toBe(0);
    expect(convoy(home, ['add'], { input: '\uFEFFPiped without a dash\n' }).code).toBe(0);
    const titles = (json(home, ['list']) as { title: string; description: string }[]).map((t) => [t.title, t.description]);
    expect(titles).toEqual([
      ['Piped without a dash', ''],
      ['From a pipe', 'with details\nover two lines'],
    ]);
  });

  it('refuses an empty piped title: exit 2, nothing written', () => {
    const home = tempHome();
    convoy(home, ['add', 'seed']);
    const before = counts(home);
    const result = convoy(home, ['add', '-'], { input: '' });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/title must not be empty/);
    expect(counts(home)).toEqual(before);
  });
});

describe('list output', () => {
  const long = `A long title ${'x'.repeat(150)} end`;

  function seeded() {
    const home = tempHome();
    convoy(home, ['add', long]);
    convoy(home, ['add', '漢字のタスク 🚀', '--stage', 'ß']);
    convoy(home, ['add', 'Finished', '--status', 'done']);
    return home;
  }

  it('never cuts a title in a pipe, aligns by display width, and counts the rows shown', () => {
    const home = seeded();
    const out = convoy(home, ['list', '--fields', 'title,stage']).stdout.split('\n');
    expect(out[0]).toMatch(/^TITLE +STAGE$/);
    expect(out).toContain(`${long}  `);
    const stageColumn = (line: string) => stringWidth(line.slice(0, line.lastIndexOf(' ') + 1));
    const cjk = out.find((l) => l.startsWith('漢字'))!;
    expect(stageColumn(cjk)).toBe(stageColumn(out[0]!.replace('STAGE', 'x')));
    expect(out.at(-2)).toBe('2 tasks · 1 done or canceled hidden (--all shows them)');
  });

  it('prints tsv (header only with --header), jsonl and json with the fields asked for', () => {
    const home = seeded();
    const tsv = convoy(home, ['list', '--format', 'tsv', '--fields', 'title,status']).stdout;
    expect(tsv).toBe(`漢字のタスク 🚀\ttodo\n${long}\ttodo\n`);
    expect(convoy(home, ['list', '--format', 'tsv', '--header', '--fields', 'title']).stdout.split('\n')[0]).toBe('title');
    const lines = convoy(home, ['list', '--all', '--format', 'jsonl', '--fields', 'title,status']).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ title: 'Finished', status: 'done' }, { title: '漢字のタスク 🚀', status: 'todo' }, { title: long, status: 'todo' }]);
    expect(JSON.parse(convoy(home, ['list', '--format', 'json', '--fields', 'id']).stdout)).toHaveLength(2);
  });

  it('sorts, and shows done and canceled tasks with --all or when --status names them', () => {
    const home = seeded();
    const titles = (args: string[]) => (json(home, ['list', ...args]) as { title: string }[]).map((t) => t.title);
    expect(titles(['--all', '--sort', 'title'])).toEqual([long, 'Finished', '漢字のタスク 🚀']);
    expect(titles(['--status', 'done'])).toEqual(['Finished']);
    expect(titles(['--all', '--sort', 'status'])).toEqual(['漢字のタスク 🚀', long, 'Finished']);
  });

  it('refuses an unknown field, format or sort key: exit 2 naming it', () => {
    const home = seeded();
    for (const [args, message] of [
      [['--fields', 'title,colour'], /--fields "colour" is not a task field/],
      [['--format', 'csv'], /--format "csv" is not one of table, tsv, json, jsonl/],
      [['--sort', 'size'], /--sort "size" is not one of created, updated, title, status/],
    ] as const) {
      const result = convoy(home, ['list', ...args]);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
  });

  it('colours only when asked: FORCE_COLOR and CLICOLOR_FORCE turn it on in a pipe, NO_COLOR wins', () => {
    const home = seeded();
    expect(convoy(home, ['list']).stdout).not.toContain('\u001b[');
    expect(convoy(home, ['list'], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(convoy(home, ['list'], { env: { CLICOLOR_FORCE: '1' } }).stdout).toContain('\u001b[');
    expect(convoy(home, ['list'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });
});

describe('cutting to a terminal width', () => {
  it('cuts by display width and never inside a character', () => {
    expect(truncate('ab👨‍👩‍👧cd', 4, stringWidth)).toBe('ab…');
    expect(truncate('漢字漢字', 5, stringWidth)).toBe('漢字…');
    expect(stringWidth(truncate('漢字漢字', 5, stringWidth))).toBeLessThanOrEqual(5);
    expect(truncate('🚀🚀🚀', 4, stringWidth)).not.toContain('\uFFFD');
  });
});
