/**
 * The vocabulary of table declarations. A synced table is declared once with
 * `defineTable` (see `tables.ts`); the client's drizzle tables, field rules,
 * JSON output and import fields, the Convex schema and validators, and the
 * Supabase SQL are all derived from that one declaration.
 *
 * Leaf module: imports nothing from the app, no Node, no SDK (the `convex/`
 * functions and the SQL generator read it too).
 */
import type { ConflictPolicy, FieldValue } from './protocol.js';

/** What a field holds; each kind has one rule set, applied on the client, in Convex and in SQL. */
export type FieldType =
  /**
   * A string of at most `max` UTF-16 code units, without control characters
   * (tab/newline allowed when multiline). `visible`: also without
   * bidirectional controls, and (unless empty) holding a visible character.
   */
  | { kind: 'text'; max: number; multiline: boolean; visible: boolean }
  /** One of `values`. */
  | { kind: 'enum'; values: readonly string[] }
  /** The full lowercase UUID of a record of `table`, not enforced as a foreign key (it may arrive before its target). */
  | { kind: 'ref'; table: string }
  /** A time in epoch milliseconds (a finite number >= 0). */
  | { kind: 'time' };

export interface FieldDecl {
  type: FieldType;
  /**
   * Must be present and non-empty on create, and never set to null. A text
   * field that is required must hold some non-blank text.
   */
  required: boolean;
  /** May be null on the wire and on the server. */
  nullable: boolean;
  /**
   * Value a create gets when it leaves the field out ('now' = the writer's
   * clock). For optional text the replica stores '' for null, shown as empty.
   */
  default: FieldValue | 'now' | undefined;
  /**
   * How a person sets it in the CLI and import files: the input name (a ref's
   * is the noun it resolves, e.g. "project"), or null when the program sets it.
   */
  input: string | null;
  /** Label in `show` and the board's details; null: not shown there (e.g. shown elsewhere). */
  label: string | null;
}

/** Options shared by every field builder. */
interface Common {
  input?: string | null;
  label?: string | null;
}

const field = (type: FieldType, over: Partial<FieldDecl>, common: Common, inputByDefault: boolean): FieldDecl => ({
  type,
  required: false,
  nullable: true,
  default: undefined,
  ...over,
  input: common.input !== undefined ? common.input : inputByDefault ? '' : null,
  label: common.label !== undefined ? common.label : '',
});

/** Field builders; an input name or label of '' means "the field's own name" (filled by `defineTable`). */
export const f = {
  /**
   * Text. Required text is non-blank and not nullable; optional text is
   * nullable and stored locally as ''. `visible: true` for what names a
   * record in lists (a title): no bidi controls, not only invisible characters.
   */
  text: (o: { max: number; multiline?: boolean; required?: boolean; visible?: boolean } & Common): FieldDecl =>
    field(
      { kind: 'text', max: o.max, multiline: o.multiline ?? false, visible: o.visible ?? false },
      { required: o.required ?? false, nullable: !o.required },
      o,
      true,
    ),
  /** One of `values`; with a default it may be left out of a create but never set to null. */
  enum: (values: readonly string[], o: { default?: string; nullable?: boolean } & Common = {}): FieldDecl =>
    field({ kind: 'enum', values }, { nullable: o.nullable ?? false, required: false, default: o.default }, o, true),
  /** A reference to a record of `table` by its UUID, or null. */
  ref: (table: string, o: Common = {}): FieldDecl => field({ kind: 'ref', table }, {}, o, true),
  /** A time (epoch ms). `default: 'now'` makes it non-nullable, filled by the writer's clock. */
  time: (o: { nullable?: boolean; default?: 'now' } & Common = {}): FieldDecl =>
    field({ kind: 'time' }, { nullable: o.nullable ?? o.default === undefined, default: o.default }, o, false),
};

/** A declared synced table. Field order is wire order, SQL column order and JSON order. */
export interface TableDecl<Name extends string = string, FieldName extends string = string> {
  name: Name;
  /** Singular noun for messages ("task 0193… not found"). */
  noun: string;
  /** How a field changed on both sides since an op's base is settled, unless configured otherwise. */
  policy: ConflictPolicy;
  fields: Readonly<Record<FieldName, FieldDecl>>;
  /** Field names, in declaration order. */
  fieldNames: readonly FieldName[];
  /** Local (replica) indexes besides the primary key: lists of field names. */
  indexes: readonly (readonly string[])[];
  /**
   * Records are only ever created, never changed (e.g. notes): every backend
   * refuses an update (rules.ts), so the table can never conflict.
   */
  appendOnly: boolean;
  /** Set when each record is one member of a set-valued field of another table (`defineSet`). */
  set: SetDecl | null;
}

/**
 * A set-valued field of `owner` (a task's tags), stored as a table of member
 * records with the fields `ownerId`, `member` and `state`. Merged add-wins
 * (an observed-remove set): adding a member creates a new record with a new
 * id, removing one marks the present records the replica sees `removed`. So
 * two replicas' adds both survive; a remove only removes the adds it saw
 * (a concurrent re-add on another replica is a new record and stays); two
 * removes write the same value and never conflict. Every backend, generator
 * and the sync engine see ordinary records: no special case anywhere.
 */
export interface SetDecl {
  /** The owning table. */
  owner: string;
  /** The set's name on the owner: its JSON key and import key ("tags"). */
  field: string;
  /** The CLI option (camelCase) that adds members ("tag" for --tag), and the one that removes them ("untag"). */
  add: string;
  remove: string;
}

/** The state of a set member record: present until a replica removes it (never back: a re-add is a new record). */
export const SET_STATES = ['present', 'removed'] as const;

/**
 * The key every record of every synced table carries: the workspace it
 * belongs to (the scope of sync). Not a declared field (it never changes and
 * is not sent as one: requests name the workspace); the replica stores it as
 * the bookkeeping column `workspace_id`, which a declared index may name
 * (first, for the reads of one workspace: list and the board).
 */
export const WORKSPACE_KEY = 'workspaceId';

/** snake_case column name of a camelCase field name (`projectId` -> `project_id`). */
export const columnName = (fieldName: string): string => fieldName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Declare a synced table. Every table gets `createdAt` (a time, default now)
 * as its last synced field; besides its fields the replica keeps the sync
 * bookkeeping (id, server id and version, sync status, updatedAt).
 */
export function defineTable<Name extends string, F extends Record<string, FieldDecl>>(decl: {
  name: Name;
  noun: string;
  policy: ConflictPolicy;
  fields: F;
  indexes?: readonly (readonly ((keyof F & string) | 'createdAt' | 'id' | typeof WORKSPACE_KEY)[])[];
  appendOnly?: boolean;
  set?: SetDecl;
}): TableDecl<Name, (keyof F & string) | 'createdAt'> {
  const all: Record<string, FieldDecl> = { ...decl.fields, createdAt: f.time({ default: 'now', label: 'created' }) };
  const fields = Object.fromEntries(
    Object.entries(all).map(([name, d]) => [name, { ...d, input: d.input === '' ? name : d.input, label: d.label === '' ? name : d.label }]),
  );
  return {
    name: decl.name,
    noun: decl.noun,
    policy: decl.policy,
    fields: fields as Record<(keyof F & string) | 'createdAt', FieldDecl>,
    fieldNames: Object.keys(fields) as ((keyof F & string) | 'createdAt')[],
    indexes: decl.indexes ?? [],
    appendOnly: decl.appendOnly ?? false,
    set: decl.set ?? null,
  };
}

/**
 * Declare a set-valued field of `owner` (see `SetDecl`): a table `name` of
 * member records holding `member` (any field kind), merged add-wins. The
 * program writes its records (no field has an input name); people use the
 * `add`/`remove` options and the owner's JSON and import key `field`.
 */
export function defineSet<Name extends string>(decl: { name: Name; noun: string; owner: TableDecl; member: FieldDecl } & Omit<SetDecl, 'owner'>) {
  const hidden = { input: null, label: null };
  return defineTable({
    name: decl.name,
    noun: decl.noun,
    // Settles nothing in practice: the only change a member ever gets is to `removed`, the same value from every replica.
    policy: 'local-wins',
    fields: {
      ownerId: f.ref(decl.owner.name, hidden),
      member: { ...decl.member, ...hidden, required: true, nullable: false },
      state: f.enum(SET_STATES, { default: 'present', ...hidden }),
    },
    // Members of a record; records having a member (a --tag filter; what a task blocks).
    indexes: [['ownerId'], ['member', 'state']],
    set: { owner: decl.owner.name, field: decl.field, add: decl.add, remove: decl.remove },
  });
}

/** The set-valued fields of `owner` in `registry`: their member tables, in registry order. */
export function setsOf(owner: string, registry: readonly TableDecl[]): TableDecl[] {
  return registry.filter((t) => t.set?.owner === owner);
}

/**
 * What the replica stores for null in a NOT NULL column: '' for optional
 * text, the default of a defaulted enum; undefined when null is stored as
 * null (or the field can never be null). The checksum reads null the same way.
 */
export function nullStoredAs(field: FieldDecl): FieldValue | undefined {
  if (field.type.kind === 'text' && !field.required) return '';
  if (field.type.kind === 'enum' && typeof field.default === 'string' && !field.nullable) return field.default;
  return undefined;
}

/** The field that names a record for people: the first required text (a task's title, a project's name), else `id`. */
export function titleFieldOf(decl: TableDecl): string {
  return decl.fieldNames.find((n) => decl.fields[n]!.type.kind === 'text' && decl.fields[n]!.required) ?? 'id';
}
