/**
 * The repository carries its own documentation: no file links or cites a
 * path outside it (a design note beside the checkout, a machine's absolute
 * work folder), and every relative Markdown link lands on a file inside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .stdout.split('\0')
  .filter((f) => f !== '' && existsSync(join(ROOT, f)));
const textFiles = tracked.filter((f) => /\.(ts|tsx|mjs|cjs|js|json|md|sh|sql|toml|yml|yaml|service|plist|txt)$|(^|\/)run$/.test(f) && f !== 'package-lock.json');

// Built from pieces so that this file does not match itself.
const OUTSIDE = [
  new RegExp(['\\.\\.', 'shared'].join('/')),
  new RegExp(['DESIGN', 'md'].join('\\.')),
  new RegExp(`(^|[\\s'"(\`=:])/${'work'}/`),
];

describe('the repository is self-contained', () => {
  it('lists its files (git ls-files)', () => {
    expect(textFiles).toContain('README.md');
    expect(textFiles).toContain('docs/architecture.md');
  });

  it('no file names a path outside the repository', () => {
    const found = textFiles.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('every relative Markdown link points at a file inside the repository', () => {
    const broken = textFiles
      .filter((f) => f.endsWith('.md'))
      .flatMap((file) =>
        [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
          .map((m) => m[1]!.split('#')[0]!)
          .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target))
          .filter((target) => {
            const path = resolve(dirname(join(ROOT, file)), target);
            return relative(ROOT, path).startsWith('..') || !existsSync(path);
          })
          .map((target) => `${file} -> ${target}`),
      );
    expect(broken).toEqual([]);
  });
});
