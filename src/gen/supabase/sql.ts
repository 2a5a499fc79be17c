/**
 * Small helpers that turn declarations into SQL text: literals, identifiers,
 * column types and the conversions between wire values (jsonb) and columns.
 * Build-time only (src/gen).
 */
import { columnName, type FieldDecl, type TableDecl } from '../../schema/declare.js';
import type { Registry } from '../../schema/registry.js';

/** The writer's clock in epoch milliseconds, as the columns and the wire hold times. */
export const NOW_MS = 'floor(extract(epoch from clock_timestamp()) * 1000)';

/** A SQL string literal. */
export const lit = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** An identifier convoy generates unquoted: refuse anything that would need quoting. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${name} cannot be a SQL identifier (use lowercase letters, digits and _)`);
  return name;
}

/** `a`, `a or b`, `a, b or c` (for messages). */
export function spoken(items: readonly string[], conjunction: 'or' | 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/** The fields of a table as [wire name, column name, declaration]. */
export function fieldsOf(table: TableDecl): [string, string, FieldDecl][] {
  return table.fieldNames.map((name) => [name, ident(columnName(name)), table.fields[name]!]);
}

const SQL_TYPES = { text: 'text', enum: 'text', ref: 'uuid', time: 'double precision' } as const;

export const sqlType = (decl: FieldDecl): string => SQL_TYPES[decl.type.kind];

/** A declared default as SQL (null when there is none). */
export function defaultSql(decl: FieldDecl): string | null {
  if (decl.default === undefined || decl.default === null) return null;
  if (decl.default === 'now') return NOW_MS;
  return typeof decl.default === 'number' ? String(decl.default) : lit(decl.default);
}

/** The column definition: time-now and defaulted non-nullable fields are NOT NULL with a default, required ones NOT NULL. */
export function columnDef(column: string, decl: FieldDecl): string {
  const def = defaultSql(decl);
  if (def !== null && !decl.nullable) return `${column} ${sqlType(decl)} not null default ${def}`;
  if (decl.required) return `${column} ${sqlType(decl)} not null`;
  return `${column} ${sqlType(decl)}`;
}

/** The column value of wire field `name` held in jsonb `doc` (SQL null when absent or null). */
export function fromWire(doc: string, name: string, decl: FieldDecl): string {
  const text = `${doc} ->> ${lit(name)}`;
  return decl.type.kind === 'text' || decl.type.kind === 'enum' ? `(${text})` : `(${text})::${sqlType(decl)}`;
}

/** What a create stores for field `name` of `doc`: the value, else the declared default. */
export function createValue(doc: string, name: string, decl: FieldDecl, now: string): string {
  const def = decl.default === 'now' ? now : defaultSql(decl);
  return def === null ? fromWire(doc, name, decl) : `coalesce(${fromWire(doc, name, decl)}, ${def})`;
}

/** jsonb_build_object of every field of a table as wire values, from a row alias (`t.`) or a jsonb row (`to_jsonb(t)`). */
export function wireObject(table: TableDecl, column: (col: string) => string): string {
  return `jsonb_build_object(${fieldsOf(table).map(([name, col]) => `${lit(name)}, ${column(col)}`).join(', ')})`;
}

/** `case <subject> when 'a' then <a> when 'b' then <b> end` over the registry's tables. */
export function perTable(registry: Registry, subject: string, branch: (table: TableDecl) => string, indent = '    '): string {
  return `case ${subject}\n${registry.map((t) => `${indent}when ${lit(t.name)} then ${branch(t)}`).join('\n')}\n${indent}end`;
}
