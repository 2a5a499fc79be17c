/**
 * Shared by the torture suites: counts (short in `npm test`, full under
 * `npm run torture`), a seeded PRNG, the local servers with what a CLI child
 * needs to reach them, and the tally each suite reports.
 */
import { appendFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { columnName, type FieldDecl } from '../../src/schema/declare.js';
import type { FieldValue, Fields } from '../../src/schema/protocol.js';
import { TABLES } from '../../src/schema/tables.js';
import type { Backend } from '../../src/sync/backend.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import { createSupabaseBackend } from '../../src/sync/backends/supabase/index.js';
import { startConvexServer } from '../../src/dev/servers/convex/server.js';
import { startSupabaseServer } from '../../src/dev/servers/supabase/server.js';

export const FULL = process.env.TORTURE === 'full';

/** A count from the environment, else the full or the short default. */
export function count(name: string, full: number, short: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : FULL ? full : short;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

/** The seed of a run: TORTURE_SEED to replay one, else fresh (printed on failure). */
export const SEED = Number(process.env.TORTURE_SEED ?? Date.now() % 2 ** 31);

export interface Tally {
  suite: string;
  server: string;
  trials: number;
  faults: number;
  lost: number;
  duplicated: number;
  diverged: number;
}

/** Append the tally for `npm run torture`'s table (TORTURE_REPORT names the file). */
export function report(tally: Tally): void {
  if (process.env.TORTURE_REPORT) appendFileSync(process.env.TORTURE_REPORT, `${JSON.stringify({ ...tally, seed: SEED })}\n`);
}

export type ServerKind = 'convex' | 'supabase';

export interface TortureServer {
  kind: ServerKind;
  url: string;
  /** Environment for a `convoy` child acting as `user` against `url` (default: the server itself). */
  env(user: string, url?: string): Promise<Record<string, string>>;
  /** An adapter acting as `user`, for reading what the server holds. */
  backend(user: string): Promise<Backend>;
  close(): Promise<void>;
}

export async function startTortureServer(kind: ServerKind): Promise<TortureServer> {
  if (kind === 'convex') {
    const server = await startConvexServer();
    return {
      kind,
      url: server.url,
      env: async (user, url = server.url) => ({ CONVOY_CONVEX_URL: url, CONVOY_CONVEX_TOKEN: await server.mintToken(user) }),
      backend: async (user) => createConvexBackend({ url: server.url, token: await server.mintToken(user), timeoutMs: 10_000 }),
      close: () => server.close(),
    };
  }
  const server = await startSupabaseServer();
  return {
    kind,
    url: server.url,
    env: async (user, url = server.url) => ({
      CONVOY_SUPABASE_URL: url,
      CONVOY_SUPABASE_ANON_KEY: server.anonKey,
      CONVOY_SUPABASE_TOKEN: await server.mintToken(user),
    }),
    backend: async (user) =>
      createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken(user), timeoutMs: 30_000 }),
    close: () => server.close(),
  };
}

/** table → record id → synced fields. */
export type State = Map<string, Map<string, Fields>>;

/** Everything the server holds for the backend's user, read by a full pull. Counts ids seen twice in it. */
export async function serverState(backend: Backend): Promise<{ state: State; repeated: number }> {
  const state: State = new Map();
  let repeated = 0;
  for (const table of TABLES) {
    const records = new Map<string, Fields>();
    let cursor = 0;
    for (;;) {
      const page = await backend.pull({ table: table.name, cursor, limit: 1000 });
      for (const change of page.changes) {
        if (records.has(change.recordId)) repeated++;
        records.set(change.recordId, change.fields);
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    state.set(table.name, records);
  }
  return { state, repeated };
}

/** The replica's synced records, read straight from the file (not through convoy's code). */
export function replicaState(path: string): { state: State; queued: number } {
  const db = new Database(path, { readonly: true });
  try {
    const state: State = new Map();
    for (const table of TABLES) {
      const columns = table.fieldNames.map((name) => `${columnName(name)} AS "${name}"`).join(', ');
      const rows = db.prepare(`SELECT id, ${columns} FROM ${table.name}`).all() as (Fields & { id: string })[];
      state.set(table.name, new Map(rows.map(({ id, ...fields }) => [id, fields])));
    }
    const queued = db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    return { state, queued };
  } finally {
    db.close();
  }
}

/** Equal as the design defines it: optional text is stored as '' on a replica where the server may hold null. */
function same(field: FieldDecl, a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const norm = (v: FieldValue | undefined) => (v === undefined || (v === null && field.type.kind === 'text' && !field.required) ? (field.type.kind === 'text' ? '' : null) : v);
  return norm(a) === norm(b);
}

/**
 * Field-by-field comparison. `diverged`: records on one side only, or with a
 * field that differs; `lost`: ids in `expected` the server does not hold.
 */
export function compare(server: State, replica: State, expected: Iterable<string> = []): { lost: number; diverged: number; details: string[] } {
  const details: string[] = [];
  let diverged = 0;
  for (const table of TABLES) {
    const s = server.get(table.name)!;
    const r = replica.get(table.name)!;
    for (const id of new Set([...s.keys(), ...r.keys()])) {
      const a = s.get(id);
      const b = r.get(id);
      const differs = !a || !b ? [a ? 'only on the server' : 'only on the replica'] : table.fieldNames.filter((f) => !same((table.fields as Record<string, FieldDecl>)[f]!, a[f], b[f]));
      if (differs.length) {
        diverged++;
        details.push(`${table.name} ${id}: ${differs.map((f) => (a && b ? `${f} server=${JSON.stringify(a[f])} replica=${JSON.stringify(b[f])}` : f)).join(', ')}`);
      }
    }
  }
  const tasks = server.get('tasks')!;
  let lost = 0;
  for (const id of expected) {
    if (!tasks.has(id)) {
      lost++;
      details.push(`lost: task ${id}`);
    }
  }
  return { lost, diverged, details };
}

/** Tasks on the server sharing a title that was written once (titles are unique per run). */
export function duplicatedTitles(server: State): number {
  const seen = new Map<string, number>();
  for (const fields of server.get('tasks')!.values()) seen.set(String(fields.title), (seen.get(String(fields.title)) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}
