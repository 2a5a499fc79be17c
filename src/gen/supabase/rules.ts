/**
 * Part 2 of the generated SQL: the field rules of src/schema/rules.ts
 * (checkFields: same verdicts, same messages; test/dev/servers/supabase/
 * parity.test.ts compares them), one check function per table, generated
 * from its declaration, plus the per-table field mappings.
 *
 * The rule helpers are single-expression SQL functions without `set
 * search_path` (they name only built-ins and schema-qualified objects) and
 * call only immutable built-ins (no format(): it is stable), so the planner
 * inlines them into the per-table check, and that into push's one statement
 * over all ops.
 */
import type { FieldDecl, TableDecl } from '../../schema/declare.js';
import type { Registry } from '../../schema/registry.js';
import { fieldsOf, ident, lit, perTable } from './sql.js';

const HELPERS = `-- JSON with every \\u0000 escape turned into \\u0001. PostgreSQL text cannot
-- hold a NUL, and its json operators refuse a document holding one; both are
-- control characters of length 1, so every rule gives the same verdict and
-- message. Applied to whatever arrives from a client before it is read.
create or replace function convoy.without_nul(p_value json) returns json
language sql immutable as $$
  select case when strpos(p_value::text, '\\u0000') = 0 then p_value
    else regexp_replace(p_value::text, '(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000', '\\1\\\\u0001', 'g')::json end
$$;

create or replace function convoy.is_uuid(p_value text) returns boolean
language sql immutable as $$
  select coalesce(p_value ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false)
$$;

create or replace function convoy.problem(p_field text, p_message text) returns jsonb
language sql immutable as $$
  select jsonb_build_object('field', p_field, 'message', p_message)
$$;

-- JavaScript's length: UTF-16 code units (characters outside the BMP count twice).
create or replace function convoy.utf16_length(p_value text) returns integer
language sql immutable as $$
  select char_length(p_value) + (select count(*)::integer from regexp_matches(p_value, '[\\U00010000-\\U0010ffff]', 'g'))
$$;

-- checkText: required, at most p_max UTF-16 code units, no control
-- characters (tab and newline allowed when multiline). p_value null: absent.
create or replace function convoy.check_text(p_field text, p_value jsonb, p_required boolean, p_max integer, p_multiline boolean)
returns jsonb language sql immutable as $$
  select case
    when p_value is null or jsonb_typeof(p_value) = 'null' then
      case when p_required then convoy.problem(p_field, p_field || ' is required') end
    when jsonb_typeof(p_value) <> 'string' then convoy.problem(p_field, p_field || ' must be a string')
    -- String.prototype.trim's whitespace.
    when p_required and (p_value #>> '{}') ~ '^[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*$' then
      convoy.problem(p_field, p_field || ' must not be empty; give some text')
    when char_length(p_value #>> '{}') * 2 > p_max and convoy.utf16_length(p_value #>> '{}') > p_max then
      convoy.problem(p_field, p_field || ' is ' || convoy.utf16_length(p_value #>> '{}')::text || ' characters; shorten it to at most ' || p_max::text)
    when (p_value #>> '{}') ~ case when p_multiline then '[\\u0001-\\u0008\\u000b-\\u001f\\u007f-\\u009f]' else '[\\u0001-\\u001f\\u007f-\\u009f]' end then
      convoy.problem(p_field, p_field || ' contains control characters; remove them'
        || case when p_multiline then '' else ' (it must be one line)' end)
  end
$$;

-- checkEnum: one of p_values (or null when nullable); p_list names them.
create or replace function convoy.check_enum(p_field text, p_value jsonb, p_values text[], p_list text, p_nullable boolean) returns jsonb
language sql immutable as $$
  select case
    when jsonb_typeof(p_value) = 'null' and p_nullable then null
    when jsonb_typeof(p_value) = 'string' and (p_value #>> '{}') = any (p_values) then null
    else convoy.problem(p_field, p_field || ' ' || p_value::text || ' is not one of ' || p_list)
  end
$$;

-- checkRef: a full lowercase UUID or null. p_value null: absent.
create or replace function convoy.check_ref(p_field text, p_value jsonb) returns jsonb
language sql immutable as $$
  select case
    when p_value is null or jsonb_typeof(p_value) = 'null' then null
    when jsonb_typeof(p_value) = 'string' and convoy.is_uuid(p_value #>> '{}') then null
    else convoy.problem(p_field, p_field || ' must be a full UUID or null')
  end
$$;

-- checkTime: a finite number >= 0 (JSON.parse makes huge ones Infinity), or null when nullable.
create or replace function convoy.check_time(p_field text, p_value jsonb, p_nullable boolean) returns jsonb
language sql immutable as $$
  select case
    when p_value is null or (p_nullable and jsonb_typeof(p_value) = 'null') then null
    when jsonb_typeof(p_value) <> 'number' then convoy.problem(p_field, p_field || ' must be a time in epoch milliseconds')
    when p_value::numeric >= 0 and p_value::numeric < 1.7976931348623158e308 then null
    else convoy.problem(p_field, p_field || ' must be a time in epoch milliseconds')
  end
$$;`;

/** SQL giving the problem with field `name` of jsonb `p` (null when fine), as checkField decides it. */
function fieldCheck(name: string, decl: FieldDecl): string {
  const value = `p -> ${lit(name)}`;
  const present = `p ? ${lit(name)}`;
  // Absent from a create, a required field without a default is checked as null.
  const absentCreate = decl.required && decl.default === undefined;
  const t = decl.type;
  switch (t.kind) {
    case 'text': {
      const check = `convoy.check_text(${lit(name)}, ${value}, ${decl.required}, ${t.max}, ${t.multiline})`;
      return decl.required ? `case when p_create or ${present} then ${check} end` : check;
    }
    case 'enum': {
      const values = `array[${t.values.map(lit).join(', ')}], ${lit(t.values.join(', '))}`;
      // A create that sets a defaulted enum to null gets the default.
      const given = typeof decl.default === 'string'
        ? `case when p_create and jsonb_typeof(${value}) = 'null' then ${lit(JSON.stringify(decl.default))}::jsonb else ${value} end`
        : value;
      const absent = absentCreate ? `\n      when p_create then convoy.check_enum(${lit(name)}, 'null'::jsonb, ${values}, ${decl.nullable})` : '';
      return `case when ${present} then convoy.check_enum(${lit(name)}, ${given}, ${values}, ${decl.nullable})${absent} end`;
    }
    case 'ref':
      return `convoy.check_ref(${lit(name)}, ${value})`;
    case 'time': {
      const absent = absentCreate ? `\n      when p_create then convoy.check_time(${lit(name)}, 'null'::jsonb, ${decl.nullable})` : '';
      return `case when ${present} then convoy.check_time(${lit(name)}, ${value}, ${decl.nullable})${absent} end`;
    }
  }
}

function tableCheck(table: TableDecl): string {
  const checks = fieldsOf(table).map(([name, , decl]) => `    ${fieldCheck(name, decl)}`);
  // An append-only table refuses every update (checkFields in src/schema/rules.ts).
  if (table.appendOnly) checks.unshift(`    case when not p_create then convoy.problem('kind', ${lit(`${table.noun}s are never changed; add a new ${table.noun}`)}) end`);
  return `-- The first problem with ${table.name} fields p (known fields only; a partial set
-- for an update), as {field, message}, or null.
create or replace function convoy.check_${ident(table.name)}(p jsonb, p_create boolean) returns jsonb
language sql immutable as $$
  select coalesce(
${checks.join(',\n')})
$$;`;
}

function mappings(registry: Registry): string {
  const rows = registry.flatMap((t) => fieldsOf(t).map(([name, col], i) => `(${lit(t.name)}, ${lit(name)}, ${lit(col)}, ${i + 1})`));
  return `-- The synced fields of each table: wire name, column, in declaration order.
create or replace function convoy.field_columns(p_table text) returns table (field text, col text)
language sql immutable as $$
  select f.field, f.col from (values
    ${rows.join(',\n    ')}
  ) as f (tbl, field, col, ord)
  where f.tbl = p_table order by f.ord
$$;

-- A stored row (to_jsonb of it) as wire fields: every synced field, null when unset.
create or replace function convoy.row_fields(p_table text, p_row jsonb) returns jsonb
language sql immutable as $$
  select ${perTable(registry, 'p_table', (t) => `jsonb_build_object(${fieldsOf(t).map(([name, col]) => `${lit(name)}, p_row -> ${lit(col)}`).join(', ')})`)}
$$;

-- The per-table check of known fields.
create or replace function convoy.check_record(p_table text, p jsonb, p_create boolean) returns jsonb
language sql immutable as $$
  select ${perTable(registry, 'p_table', (t) => `convoy.check_${t.name}(p, p_create)`)}
$$;

-- checkFields: the first problem with a (possibly partial) set of wire fields,
-- as {field, message}, or null. p_kind 'create' enforces required fields.
create or replace function convoy.check_fields(p_table text, p_fields json, p_kind text) returns jsonb
language plpgsql immutable set search_path = '' as $$
declare
  v_key text;
  v_allowed text[] := array(select c.field from convoy.field_columns(p_table) c);
begin
  p_fields := convoy.without_nul(p_fields);
  for v_key in select json_object_keys(p_fields) loop
    if not v_key = any (v_allowed) then
      return convoy.problem(v_key, format('%s is not a field of %s; use one of %s', v_key, p_table, array_to_string(v_allowed, ', ')));
    end if;
  end loop;
  return convoy.check_record(p_table, p_fields::jsonb, p_kind = 'create');
end $$;`;
}

export function rulesSql(registry: Registry): string {
  return [
    `-- Part 2: field rules (a mirror of src/schema/rules.ts, same messages).`,
    HELPERS,
    ...registry.map(tableCheck),
    mappings(registry),
  ].join('\n\n');
}
