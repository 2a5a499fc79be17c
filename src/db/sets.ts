/**
 * Set-valued fields (a task's tags, the tasks it is blocked by), stored as
 * member records of their own synced table (src/schema/declare.ts,
 * `defineSet`): adding a member creates a record, removing one marks the
 * present records `removed`. Both go through the one write path
 * (changes.ts), so they are queued, synced and undone like any record.
 * Nothing here names a set: everything comes from the declarations.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import { columnName, type FieldDecl, type SetDecl } from '../schema/declare.js';
import type { Fields } from '../schema/protocol.js';
import { checkText } from '../schema/rules.js';
import { insertRecord, recordWorkspace, updateRecord, workspaceOf } from './changes.js';
import { newRow } from './inputs.js';
import { resolveRecord } from './lookup.js';
import type { Store, WriteTx } from './open.js';
import { SYNC_TABLES, specFor, type SyncTableSpec } from './registry.js';

/** One set-valued field: its member table and how members are typed in. */
export interface SetSpec {
  spec: SyncTableSpec;
  set: SetDecl;
  member: FieldDecl;
  /** The member table's columns. */
  owner: SQLiteColumn;
  value: SQLiteColumn;
  state: SQLiteColumn;
}

const PRESENT = 'present';
const REMOVED = 'removed';
/** Ids per `IN (…)` list: well under SQLite's parameter limit. */
const CHUNK = 500;

function setSpecOf(spec: SyncTableSpec): SetSpec {
  const columns = spec.table as unknown as Record<string, SQLiteColumn>;
  return { spec, set: spec.decl.set!, member: spec.decl.fields.member!, owner: columns.ownerId!, value: columns.member!, state: columns.state! };
}

const SETS: readonly SetSpec[] = SYNC_TABLES.filter((s) => s.decl.set !== null).map(setSpecOf);

/** The set-valued fields of table `owner`, in declaration order. */
export const setsOf = (owner: string): readonly SetSpec[] => SETS.filter((s) => s.set.owner === owner);

/** The sets of `owner` whose members reference `owner`'s own records (a task's blockers). */
export const selfSetsOf = (owner: string): SetSpec[] => setsOf(owner).filter((s) => s.member.type.kind === 'ref' && s.member.type.table === owner);

/** The first set of `owner` whose members reference `owner`'s own records, if any. */
export const selfSetOf = (owner: string): SetSpec | undefined => selfSetsOf(owner)[0];

/** Present members of each of `ownerIds` (sorted, without repeats; owners without members are absent). Read-only. */
export function readMembers(store: Store, s: SetSpec, ownerIds: readonly string[]): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (let i = 0; i < ownerIds.length; i += CHUNK) {
    const rows = store.db
      .select({ owner: s.owner, value: s.value })
      .from(s.spec.table)
      .where(and(inArray(s.owner, ownerIds.slice(i, i + CHUNK) as string[]), eq(s.state, PRESENT)))
      .all() as { owner: string; value: string }[];
    for (const row of rows) found.set(row.owner, (found.get(row.owner) ?? new Set()).add(row.value));
  }
  return new Map([...found].map(([owner, values]) => [owner, [...values].sort()]));
}

/** Each row with its sets' present members attached (`row[set.field]`, sorted). Read-only; returns `rows`. */
export function attachSets<T extends { id: string }>(store: Store, owner: string, rows: T[]): T[] {
  if (rows.length === 0) return rows;
  const ids = rows.map((r) => r.id);
  for (const s of setsOf(owner)) {
    const members = readMembers(store, s, ids);
    for (const row of rows) (row as Record<string, unknown>)[s.set.field] = members.get(row.id) ?? [];
  }
  return rows;
}

// Control characters and any white space: a text member is one word.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_A_WORD = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * The member values a person typed for option `option`, checked and
 * normalised: text members are single words (no spaces or control
 * characters) within the declared length; ref members are resolved (a short
 * id or a title) among the records of `workspace` (the owner's) when given.
 * Throws UsageError naming the option. Read-only.
 */
export function memberValues(store: Store, s: SetSpec, option: string, raw: readonly string[], workspace?: string): string[] {
  const type = s.member.type;
  return raw.map((typed) => {
    if (type.kind === 'ref') return resolveRecord(store, specFor(type.table), typed, `--${flagOf(option)}`, workspace);
    const value = typed.trim();
    if (value === '' || NOT_A_WORD.test(value)) {
      throw new UsageError(`--${flagOf(option)} ${JSON.stringify(typed)} must be one word without spaces or control characters, e.g. --${flagOf(option)} urgent`);
    }
    const problem = type.kind === 'text' ? checkText(`--${flagOf(option)}`, value, { required: true, max: type.max, multiline: false, visible: type.visible }) : null;
    if (problem) throw new UsageError(problem.message);
    return value;
  });
}

/** The CLI flag of a camelCase option name (`blockedBy` -> `blocked-by`). */
export const flagOf = (option: string) => columnName(option).replace(/_/g, '-');

/**
 * Add `values` to the set of `ownerId` (those not present already: one new
 * member record each) and remove `removals` (every present record of each:
 * marked removed). Inside the caller's write transaction; queues one op per
 * record written. Returns whether anything changed.
 */
export function changeMembers(tx: WriteTx, s: SetSpec, ownerId: string, values: readonly string[], removals: readonly string[], now: number): boolean {
  const present = readMembers(tx, s, [ownerId]).get(ownerId) ?? [];
  let changed = false;
  // A member record belongs to its owner's workspace.
  const workspace = recordWorkspace(tx, specFor(s.set.owner), ownerId);
  for (const value of new Set(values)) {
    if (present.includes(value) || removals.includes(value)) continue;
    const fields: Fields = { ownerId, member: value, state: PRESENT };
    insertRecord(tx, s.spec, newRow(s.spec, uuidv7(), fields, now, workspace));
    changed = true;
  }
  const gone = removals.filter((v) => present.includes(v));
  if (gone.length === 0) return changed;
  const rows = tx.db
    .select()
    .from(s.spec.table)
    .where(and(eq(s.owner, ownerId), inArray(s.value, gone), eq(s.state, PRESENT)))
    .all();
  for (const row of rows) updateRecord(tx, s.spec, row, { state: REMOVED }, now);
  return true;
}

/**
 * Take back a member change the server already has (undo), the set's way: an
 * add (`create`) is removed; a removal (`update`) is added again as a new
 * record (a member never goes back to present, so the merge stays add-wins).
 * Inside the caller's write transaction.
 */
export function revertMember(tx: WriteTx, spec: SyncTableSpec, row: Record<string, unknown>, op: 'create' | 'update', now: number): void {
  // Undoing an add: the member goes (unless something removed it since).
  if (op === 'create') updateRecord(tx, spec, row, { state: REMOVED }, now);
  else insertRecord(tx, spec, newRow(spec, uuidv7(), { ownerId: row.ownerId as string, member: row.member as string, state: PRESENT }, now, workspaceOf(row)));
}

/**
 * Refuse to bring back a removed member of a self-referencing set (undoing
 * its removal) when that would close a cycle, e.g. one a pull brought in
 * since. `row` is the member record as it is now. Read-only.
 */
export function assertMemberMayReturn(store: Store, spec: SyncTableSpec, row: Record<string, unknown>): void {
  const s = spec.decl.set ? selfSetsOf(spec.decl.set.owner).find((x) => x.spec.name === spec.name) : undefined;
  if (!s || row.state === PRESENT) return;
  const ownerId = row.ownerId as string;
  if (wouldCycle(store, s, ownerId, [row.member as string]) === undefined) return;
  throw new UsageError(`undo: --${flagOf(s.set.add)} ${row.member as string} on ${ownerId} would make a cycle again; break the cycle first (convoy status names it); nothing was undone`);
}

/**
 * Whether adding `members` to the self-referencing set of `ownerId` would
 * make a cycle: `ownerId` is among them or reachable from one of them
 * through present members. Terminates on any graph, cycles already merged
 * in included (UNION keeps each record once). Read-only.
 */
export function wouldCycle(store: Store, s: SetSpec, ownerId: string, members: readonly string[]): string | undefined {
  const table = sql.raw(`"${s.spec.name}"`);
  for (const start of members) {
    const found = store.db.get(
      sql`WITH RECURSIVE reach(id) AS (SELECT ${start} UNION SELECT m.member FROM ${table} m JOIN reach ON m.owner_id = reach.id WHERE m.state = ${PRESENT})
       SELECT 1 FROM reach WHERE id = ${ownerId} LIMIT 1`,
    );
    if (found) return start;
  }
  return undefined;
}
