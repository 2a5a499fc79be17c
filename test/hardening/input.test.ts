import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

beforeAll(ensureBuilt);

const create = (title: string) => JSON.stringify({ op: 'create', title });

describe('import input', () => {
  it('refuses invalid UTF-8 with exit 2, naming the line, and imports nothing', () => {
    const home = tempHome();
    const bytes = Buffer.concat([Buffer.from(`${create('fine')}\n${create('also fine')}\n`), Buffer.from('{"op":"create","title":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    const file = join(home, 'latin1.jsonl');
    writeFileSync(file, bytes);
    for (const [args, input] of [[['import', file], undefined], [['import', '-'], bytes]] as const) {
      const result = convoy(home, [...args], { input: input as unknown as string });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/line 3 of .* is not valid UTF-8; nothing was imported/);
    }
    expect(JSON.parse(convoy(home, ['list', '--json']).stdout)).toEqual([]);
  });

  it('accepts a UTF-8 byte order mark on the first line', () => {
    const home = tempHome();
    const file = join(home, 'bom.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${create('first, after the BOM')}\n${create('café')}\n`)]));
    const result = convoy(home, ['import', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ created: 2 });
    const titles = JSON.parse(convoy(home, ['list', '--json']).stdout).map((t: { title: string }) => t.title);
    expect(titles.sort()).toEqual(['café', 'first, after the BOM']);
  });
});

describe('config values read from config.json', () => {
  function homeWithConfig(config: unknown): string {
    const home = tempHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    return home;
  }

  it('blames a bad sync.batchSize on the file, not on a --batch flag nobody gave', () => {
    const home = homeWithConfig({ sync: { batchSize: -5 }, convex: { url: 'http://127.0.0.1:9' } });
    const result = convoy(home, ['sync']);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain(`sync.batchSize in ${join(home, 'config.json')} must be a string`);
    expect(result.stderr).not.toContain('--batch');
    const text = homeWithConfig({ sync: { batchSize: '0' } });
    expect(convoy(text, ['sync']).stderr).toContain('sync.batchSize in');
  });

  it('refuses a URL that is not a string instead of printing it', () => {
    const home = homeWithConfig({ convex: { url: 12 } });
    for (const args of [['config', 'get', 'convex.url'], ['status'], ['sync']]) {
      const result = convoy(home, args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(5);
      expect(result.stderr).toContain(`convex.url in ${join(home, 'config.json')} must be a string, not 12`);
    }
    const fixed = convoy(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(convoy(home, ['config', 'get', 'convex.url']).stdout.trim()).toBe('http://127.0.0.1:3210');
  });
});
