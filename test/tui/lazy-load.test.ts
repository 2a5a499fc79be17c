/**
 * Ink and React load for `convoy board` only: a trace of every CommonJS
 * `Module._load` and every ESM resolution while the built binary runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/cli.js';
import { trace } from '../helpers/trace-loads.js';

const UI_PACKAGES = /^(cjs|esm) (ink|react|react\/.*|react-reconciler|scheduler|yoga-layout)$/;

describe('lazy loading', () => {
  beforeAll(() => ensureBuilt());

  it('convoy add loads neither Ink nor React', () => {
    const loaded = trace(['add', 'Fast capture']);
    expect(loaded).toContain('cjs better-sqlite3'); // the tracer sees the bundle's requires
    expect(loaded.filter((line) => UI_PACKAGES.test(line))).toEqual([]);
  });

  it('the tracer sees lazily imported ESM packages (convoy config list imports conf)', () => {
    const loaded = trace(['config', 'list']);
    expect(loaded).toContain('esm conf');
    expect(loaded.filter((line) => UI_PACKAGES.test(line))).toEqual([]);
  });

  it('convoy status reads its settings without loading conf', () => {
    const loaded = trace(['status']);
    expect(loaded).toContain('cjs better-sqlite3');
    expect(loaded).not.toContain('esm conf');
  });
});
