/** Module loads of the built binary: a trace of every CommonJS `Module._load` and every ESM resolution. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { tempHome } from './replica.js';

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

/** What `convoy args…` loaded, one `cjs <request>` or `esm <specifier>` line each. */
export function trace(args: string[]): string[] {
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
