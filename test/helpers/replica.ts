/** Test helpers: temp homes, replicas and contexts on real SQLite files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createContext, type Context, type ContextOptions } from '../../src/context.js';
import { openReplica, type Replica } from '../../src/db/open.js';
import { createMemoryReporter, type MemoryReporter } from '../../src/output/reporter.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A fresh temp directory, removed after the test. */
export function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'convoy-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A freshly migrated replica in a temp directory, closed after the test. */
export function tempReplica(): Replica {
  const replica = openReplica(join(tempHome(), 'replica.db'));
  cleanups.push(() => replica.close());
  return replica;
}

export interface TestContext extends Context {
  reporter: MemoryReporter;
}

/** A command context on a temp CONVOY_HOME with a recording reporter and a settable clock. */
export interface TestContextOptions {
  json?: boolean;
  home?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  backendFactory?: ContextOptions['backendFactory'];
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const home = options.home ?? tempHome();
  const ctx = createContext({
    env: { CONVOY_HOME: home, ...options.env },
    reporter: createMemoryReporter(options.json ?? false),
    now: options.now,
    backendFactory: options.backendFactory,
  }) as TestContext;
  cleanups.push(() => ctx.close());
  return ctx;
}

/** Rows of a table, raw, for assertions that must not trust the repository code. */
export function rows<T = Record<string, unknown>>(replica: Replica, table: string): T[] {
  return replica.sqlite.prepare(`SELECT * FROM ${table}`).all() as T[];
}
