/**
 * Part 3 of the generated SQL: the per-workspace change counter, the trigger that
 * stamps versions on every write to a synced table (from convoy_push's op by
 * op path or directly from a web app), and the reads and writes of one
 * record, generated per table and reached through dispatchers over the
 * registry.
 */
import type { TableDecl } from '../../schema/declare.js';
import type { Registry } from '../../schema/registry.js';
import { createValue, fieldsOf, fromWire, ident, lit, NOW_MS, perTable } from './sql.js';

const COUNTER = `-- Lock the workspace's counter row (creating it), so this transaction's
-- writes and every other writer of the workspace are serialized. Returns the
-- head. (The caller's membership is checked first: convoy.workspace_of.)
create or replace function convoy.lock_workspace(p_workspace uuid) returns bigint
language plpgsql set search_path = '' as $$
declare
  v bigint;
begin
  insert into convoy.counters (workspace_id) values (p_workspace) on conflict (workspace_id) do nothing;
  select c.value into v from convoy.counters c where c.workspace_id = p_workspace for update;
  return v;
end $$;

-- The next p_count versions of the workspace (returns the first): the counter
-- row updated in the writing transaction. Its row lock is held until commit,
-- so version N+1 is handed out only after the transaction that took N has
-- committed (or rolled back): a pull that has seen N has seen everything
-- below it. A bare sequence would not do: its values are taken in one order
-- and may commit in another, and a pull that saw the later one would skip
-- the earlier one for good.
--
-- convoy_push holds that lock from its start and counts in the transaction
-- instead (convoy.counter_workspace / convoy.counter, saved once at its end):
-- updating one row many times in a transaction makes each update walk a
-- longer chain of row versions.
create or replace function convoy.take_versions(p_workspace uuid, p_count integer) returns bigint
language plpgsql set search_path = '' as $$
declare
  v bigint;
begin
  if current_setting('convoy.counter_workspace', true) = p_workspace::text then
    v := current_setting('convoy.counter')::bigint + 1;
    perform set_config('convoy.counter', (v + p_count - 1)::text, true);
    return v;
  end if;
  insert into convoy.counters as c (workspace_id, value) values (p_workspace, p_count)
  on conflict (workspace_id) do update set value = c.value + p_count
  returning c.value - p_count + 1 into v;
  return v;
end $$;

create or replace function convoy.next_version(p_workspace uuid) returns bigint
language sql set search_path = '' as $$
  select convoy.take_versions(p_workspace, 1)
$$;

-- The workspace's current head (0 before the first write).
create or replace function convoy.head(p_workspace uuid) returns bigint
language sql stable set search_path = '' as $$
  select coalesce((select c.value from convoy.counters c where c.workspace_id = p_workspace), 0)
$$;

-- Before any insert/update statement on a synced table written directly
-- (a table endpoint): take the caller's personal counter lock before any row
-- lock, so writers of it always lock in the same order. (A write to another
-- workspace takes its counter lock at its first row.) convoy_push and the
-- web functions, which set convoy.locked, hold their workspace's already.
create or replace function convoy.lock_writer() returns trigger
language plpgsql set search_path = '' as $$
begin
  if auth.uid() is not null and coalesce(current_setting('convoy.locked', true), '') = '' then
    perform convoy.lock_workspace(auth.uid());
  end if;
  return null;
end $$;

-- Before each row write: check the changed fields (push has checked them per
-- op already, so only other writers'), then stamp them. A write that changes
-- at least one synced value takes the next version as the row version and as
-- the version of each changed field, with the writer (convoy.writer, set by
-- convoy_push; 'web' otherwise) and its clock (convoy.time, or now); a write
-- that changes nothing keeps the old stamps. The bookkeeping columns are
-- always the server's. Not run for convoy_push's set-based statements, which
-- stamp their rows themselves (convoy.stamping = 'push', see the triggers).
create or replace function convoy.stamp_record() returns trigger
language plpgsql set search_path = '' as $$
declare
  v_new jsonb := to_jsonb(new);
  v_changed jsonb;
  v_problem jsonb;
  v_version bigint;
  v_writer text := coalesce(nullif(current_setting('convoy.writer', true), ''), 'web');
  v_time double precision := coalesce(nullif(current_setting('convoy.time', true), '')::double precision, ${NOW_MS});
begin
  if tg_op = 'UPDATE' then
    if new.user_id is distinct from old.user_id or new.record_id is distinct from old.record_id
       or new.workspace_id is distinct from old.workspace_id then
      raise exception using errcode = '22023', message = 'user_id, workspace_id and record_id of a synced record cannot change';
    end if;
    new.version := old.version;
    new.field_versions := old.field_versions;
    new.field_writers := old.field_writers;
    new.field_times := old.field_times;
    select jsonb_object_agg(c.field, v_new -> c.col) into v_changed
    from convoy.field_columns(tg_table_name) c where v_new -> c.col is distinct from to_jsonb(old) -> c.col;
    if v_changed is null then return new; end if;
  else
    select jsonb_object_agg(c.field, v_new -> c.col) into v_changed from convoy.field_columns(tg_table_name) c;
    new.field_versions := '{}';
    new.field_writers := '{}';
    new.field_times := '{}';
  end if;
  if v_writer = 'web' then
    v_problem := convoy.check_fields(tg_table_name, v_changed::json, case tg_op when 'INSERT' then 'create' else 'update' end);
  end if;
  if v_problem is not null then
    raise exception using errcode = '23514', message = v_problem ->> 'message', column = v_problem ->> 'field';
  end if;
  v_version := convoy.next_version(new.workspace_id);
  new.version := v_version;
  select new.field_versions || jsonb_object_agg(k, v_version),
         new.field_writers || jsonb_object_agg(k, v_writer),
         new.field_times || jsonb_object_agg(k, v_time)
    into new.field_versions, new.field_writers, new.field_times
  from jsonb_object_keys(v_changed) k;
  return new;
end $$;`;

function triggers(table: TableDecl): string {
  const name = ident(table.name);
  return `create or replace trigger convoy_lock before insert or update on public.${name}
  for each statement execute function convoy.lock_writer();
create or replace trigger convoy_stamp before insert or update on public.${name}
  for each row when (current_setting('convoy.stamping', true) is distinct from 'push')
  execute function convoy.stamp_record();`;
}

/** find / insert / update of one record of `table` (the op by op path and the web functions). */
function recordFunctions(table: TableDecl): string {
  const name = ident(table.name);
  const fields = fieldsOf(table);
  const cols = fields.map(([, col]) => col).join(', ');
  const created = fields.map(([field, , decl]) => createValue('p_fields', field, decl, NOW_MS)).join(',\n    ');
  const sets = fields.map(([field, col, decl]) => `${col} = case when p_fields ? ${lit(field)} then ${fromWire('p_fields', field, decl)} else t.${col} end`);
  return `-- The workspace's ${name} record (to_jsonb of the row), locked, or null.
create or replace function convoy.${name}_find(p_workspace uuid, p_record_id uuid) returns jsonb
language sql volatile set search_path = '' as $$
  select to_jsonb(t) from public.${name} t where t.workspace_id = p_workspace and t.record_id = p_record_id for update
$$;

-- Insert a ${name} record with the given wire fields (absent ones take the
-- declared defaults); the stamp trigger versions it. Returns the row.
create or replace function convoy.${name}_insert(p_workspace uuid, p_record_id uuid, p_fields jsonb) returns jsonb
language sql volatile set search_path = '' as $$
  insert into public.${name} as t (workspace_id, record_id, ${cols})
  values (p_workspace, p_record_id,
    ${created})
  returning to_jsonb(t)
$$;

-- Update the given wire fields of a ${name} row (the others keep their
-- values); the stamp trigger versions what changed. Returns the row.
create or replace function convoy.${name}_update(p_id bigint, p_fields jsonb) returns jsonb
language sql volatile set search_path = '' as $$
  update public.${name} as t set
    ${sets.join(',\n    ')}
  where t.id = p_id returning to_jsonb(t)
$$;`;
}

function dispatchers(registry: Registry): string {
  return `-- The workspace's record of p_table (to_jsonb of the row), locked, or null.
create or replace function convoy.find_record(p_table text, p_workspace uuid, p_record_id uuid) returns jsonb
language sql volatile set search_path = '' as $$
  select ${perTable(registry, 'p_table', (t) => `convoy.${t.name}_find(p_workspace, p_record_id)`)}
$$;

create or replace function convoy.insert_record(p_table text, p_workspace uuid, p_record_id uuid, p_fields jsonb) returns jsonb
language sql volatile set search_path = '' as $$
  select ${perTable(registry, 'p_table', (t) => `convoy.${t.name}_insert(p_workspace, p_record_id, p_fields)`)}
$$;

create or replace function convoy.update_record(p_table text, p_id bigint, p_fields jsonb) returns jsonb
language sql volatile set search_path = '' as $$
  select ${perTable(registry, 'p_table', (t) => `convoy.${t.name}_update(p_id, p_fields)`)}
$$;

-- A record's state as push results and web calls return it.
create or replace function convoy.state(p_table text, p_row jsonb) returns jsonb
language sql immutable as $$
  select jsonb_build_object('version', (p_row ->> 'version')::bigint, 'fields', convoy.row_fields(p_table, p_row))
$$;

-- What a web create stores for the fields a form leaves out.
create or replace function convoy.create_defaults(p_table text) returns jsonb
language sql volatile as $$
  select ${perTable(registry, 'p_table', (t) => webDefaults(t))}
$$;`;
}

function webDefaults(table: TableDecl): string {
  const pairs = fieldsOf(table)
    .filter(([, , decl]) => !decl.required)
    .map(([field, , decl]) => {
      const value = decl.default === 'now' ? NOW_MS : decl.default === undefined || decl.default === null ? 'null' : `${lit(JSON.stringify(decl.default))}::jsonb`;
      return `${lit(field)}, ${value}`;
    });
  return `jsonb_build_object(${pairs.join(', ')})`;
}

export function recordsSql(registry: Registry): string {
  return [
    `-- Part 3: the per-workspace change counter, version stamping, and the reads and writes of one record.`,
    COUNTER,
    ...registry.map(triggers),
    ...registry.map(recordFunctions),
    dispatchers(registry),
  ].join('\n\n');
}
