/**
 * Ink and React load for `convoy board` only: a trace of every CommonJS
 * `Module._load` and every ESM resolution while the built binary runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

const TRACER = `
const fs = require('node:fs');
const Module = require('node:module');
const out = process.env.TRACE_FILE;
const load = Module._load;
Module._load = function (request) {
  fs.appendFileSync(out, 'cjs ' + request + '\\n');
  return load.apply(this, arguments);
};
Module.register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  'export async function resolve(specifier, context, next) {' +
  '  appendFileSync(' + JSON.stringify(out) + ", 'esm ' + specifier + '\\\\n');" +
  '  return next(specifier, context);' +
  '}'));
`;

function trace(args: string[]): string[] {
  const home = tempHome();
  const tracer = join(home, 'tracer.cjs');
  const out = join(home, 'trace.txt');
  writeFileSync(tracer, TRACER);
  writeFileSync(out, '');
  const result = spawnSync(process.execPath, ['-r', tracer, BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: home, CONVOY_HOME: home, TRACE_FILE: out },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`convoy ${args.join(' ')} failed: ${result.stderr}`);
  return readFileSync(out, 'utf8').split('\n').filter(Boolean);
}

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
