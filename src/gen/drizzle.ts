/**
 * Generates the replica's synced drizzle tables (src/db/tables.generated.ts)
 * from the table declarations: the declared fields with their local storage
 * (src/db/local-columns.ts), the sync bookkeeping columns and indexes, the declared
 * indexes, and plain view and input types for the layers above db.
 * drizzle-kit reads the result (through src/db/schema.ts) to write migrations.
 */
import type { FieldDecl, TableDecl } from '../schema/declare.js';
import { columnName, setsOf, WORKSPACE_KEY } from '../schema/declare.js';
import { TABLES } from '../schema/tables.js';
import { LOCAL_INDEXES, localDefault, localNotNull } from '../db/local-columns.js';
import type { GeneratedFile } from './generated-file.js';

export const DRIZZLE_TABLES_PATH = 'src/db/tables.generated.ts';

/** A TypeScript string literal (single-quoted, as the codebase writes them). */
const q = (value: unknown): string => (typeof value === 'string' ? `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` : JSON.stringify(value));

const pascal = (noun: string) => noun.replace(/(^|[-_ ])(\w)/g, (_m, _s, c: string) => c.toUpperCase());

/** The drizzle column builder of one declared field. */
function column(name: string, field: FieldDecl): string {
  const col = q(columnName(name));
  const t = field.type;
  let out: string;
  if (t.kind === 'text' || t.kind === 'ref') out = `text(${col})`;
  else if (t.kind === 'enum') out = `text(${col}, { enum: [${t.values.map(q).join(', ')}] })`;
  else out = `integer(${col})`;
  if (localNotNull(field)) out += '.notNull()';
  const fallback = localDefault(field);
  if (fallback !== undefined) out += `.default(${q(fallback)})`;
  return out;
}

/** TypeScript type of a field as the replica holds it. */
function viewType(field: FieldDecl): string {
  const t = field.type;
  const base = t.kind === 'enum' ? t.values.map(q).join(' | ') : t.kind === 'time' ? 'number' : 'string';
  return localNotNull(field) ? base : `${base} | null`;
}

/**
 * Index name: table and first column, without a trailing _at/_id
 * (`tasks_project_idx`); a leading workspace key is left out of the name
 * (every per-workspace index has it).
 */
function indexName(table: string, fields: readonly string[]): string {
  const first = fields[0] === WORKSPACE_KEY && fields.length > 1 ? fields[1]! : fields[0]!;
  return `${table}_${columnName(first).replace(/_(at|id)$/, '')}_idx`;
}

/** The set-valued fields of `decl` (their member tables, src/schema/declare.ts): arrays on the view, add/remove lists on the input. */
function setMembers(decl: TableDecl, registry: readonly TableDecl[]): { view: string[]; inputs: string[] } {
  const sets = setsOf(decl.name, registry);
  return {
    view: sets.flatMap((s) => [`  /** Present members of the ${s.name} set (sorted), when the repository read them. */`, `  ${s.set!.field}?: string[];`]),
    inputs: sets.flatMap((s) => [`  ${s.set!.add}?: string[];`, `  ${s.set!.remove}?: string[];`]),
  };
}

function tableSource(decl: TableDecl, registry: readonly TableDecl[]): string {
  const sets = setMembers(decl, registry);
  const columns = decl.fieldNames.map((name) => `    ${name}: ${column(name, decl.fields[name]!)},`);
  const indexes = [...decl.indexes, ...LOCAL_INDEXES].map((fields) => `index(${q(indexName(decl.name, fields))}).on(${fields.map((f) => `t.${f}`).join(', ')})`);
  const type = pascal(decl.noun);
  const view = decl.fieldNames.map((name) => `  ${name}: ${viewType(decl.fields[name]!)};`);
  const inputs = decl.fieldNames.flatMap((name) => (decl.fields[name]!.input ? [`  ${decl.fields[name]!.input}?: string;`] : []));
  return [
    `export const ${decl.name} = sqliteTable(`,
    `  ${q(decl.name)},`,
    '  {',
    '    ...syncColumns,',
    ...columns,
    "    updatedAt: integer('updated_at').notNull(),",
    '  },',
    `  (t) => [${[...indexes, `...syncIndexes(${q(decl.name)}, t)`].join(', ')}],`,
    ');',
    '',
    `/** A ${decl.noun} as the replica holds it: id, the declared fields, then updatedAt, syncStatus and the server's id and version. */`,
    `export interface ${type}View {`,
    '  id: string;',
    "  /** The workspace the record belongs to ('' = personal). */",
    '  workspaceId: string;',
    ...view,
    ...sets.view,
    '  updatedAt: number;',
    '  syncStatus: SyncStatus;',
    "  /** The server's own id, once known. */",
    '  serverId: string | null;',
    '  /** Server version last seen (the base of the next update). */',
    '  serverVersion: number | null;',
    '}',
    '',
    `/** What a person may set on a ${decl.noun} (CLI flags, import lines): text as typed, refs as the referenced record's name or id. */`,
    ...(inputs.length + sets.inputs.length === 0
      ? [`export type ${type}Input = Record<string, never>;`]
      : [`export type ${type}Input = {`, ...inputs, ...sets.inputs, '};']),
    '',
  ].join('\n');
}

/** The generated module's whole text. */
export function drizzleTablesSource(tables: readonly TableDecl[] = TABLES): string {
  return [
    '// generated by `npm run gen` (src/gen/drizzle.ts) from src/schema/tables.ts: do not edit.',
    '// The synced tables of the local replica; drizzle-kit reads them through src/db/schema.ts.',
    "import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';",
    "import { syncColumns, syncIndexes, type SyncStatus } from './sync-columns.js';",
    '',
    ...tables.map((t) => tableSource(t, tables)),
    '/** Every synced drizzle table by table name. */',
    `export const SYNCED_DRIZZLE_TABLES = { ${tables.map((t) => t.name).join(', ')} } as const;`,
    '',
  ].join('\n');
}

export function drizzleFiles(): GeneratedFile[] {
  return [{ path: DRIZZLE_TABLES_PATH, content: drizzleTablesSource() }];
}
