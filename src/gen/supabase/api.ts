/**
 * Part 4 of the generated SQL: what the functions clients call check first
 * (identity, table names, the shape of a batch), and those functions
 * besides push: pull, head and the web-side writes, with their privileges.
 *
 * Errors (PostgREST turns them into HTTP statuses): 28000 no signed-in user
 * (403); P0001 a malformed batch, which will fail the same way again (400);
 * 22023 invalid arguments (400; refusal `invalid`); 23505 web create of a
 * known id, or a workspace name the caller already has (409; `exists`);
 * 42501 not a member of the workspace named, or not its owner (403;
 * `forbidden`, exit 7: the Supabase adapter maps these codes to
 * BackendError.refusal); PT404 web update of an unknown id (404). Data
 * problems in a pushed op are per-op 'rejected' results, never errors.
 */
import { CONFLICT_POLICIES, MAX_KNOWN_RANGES } from '../../schema/protocol.js';
import type { Registry } from '../../schema/registry.js';
import { MAX_PUSH_OPS } from '../../schema/server/push.js';
import { lit, perTable, spoken } from './sql.js';
import { WORKSPACE_FUNCTIONS, workspacesSql } from './workspaces.js';

function checks(registry: Registry): string {
  const names = registry.map((t) => t.name);
  const tableList = `array[${names.map(lit).join(', ')}]`;
  const policyList = `array[${CONFLICT_POLICIES.map(lit).join(', ')}]`;
  const policiesOk = names.map((n) => `p_batch -> 'policies' ->> ${lit(n)} = any (${policyList})`).join('\n      and ');
  return `create or replace function convoy.require_user() returns uuid
language plpgsql stable set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception using errcode = '28000', message = 'no identity: call with a signed-in user''s access token '
      || '(convoy config set supabase.accessToken -, or CONVOY_SUPABASE_TOKEN)';
  end if;
  return auth.uid();
end $$;

create or replace function convoy.check_table(p_table text) returns void
language plpgsql immutable set search_path = '' as $$
begin
  if p_table is null or not p_table = any (${tableList}) then
    raise exception using errcode = '22023', message = format(${lit(`unknown table %s; use ${spoken(names, 'or')}`)}, coalesce(p_table, 'null'));
  end if;
end $$;

-- The shape an op must have (what Convex's argument validators check), or what is wrong.
create or replace function convoy.check_op_shape(p_op json) returns text
language sql immutable as $$
  select case
    when json_typeof(p_op) is distinct from 'object' then 'an op must be an object'
    when p_op ->> 'table' is null or not p_op ->> 'table' = any (${tableList}) then ${lit(`table must be ${spoken(names, 'or')}`)}
    when p_op ->> 'kind' is null or p_op ->> 'kind' not in ('create', 'update') then 'kind must be create or update'
    when json_typeof(p_op -> 'seq') is distinct from 'number' then 'seq must be a number'
    when json_typeof(p_op -> 'recordId') is distinct from 'string' then 'recordId must be a string'
    when json_typeof(p_op -> 'clientTime') is distinct from 'number' then 'clientTime must be a number'
    when coalesce(json_typeof(p_op -> 'baseVersion'), 'missing') not in ('null', 'number') then 'baseVersion must be a number or null'
    when json_typeof(p_op -> 'fields') is distinct from 'object' then 'fields must be an object'
    else (select format('field %s is not a field of %s, or its value is not a string, number or null', f.key, p_op ->> 'table')
          from json_each(p_op -> 'fields') f
          where f.key not in (select c.field from convoy.field_columns(p_op ->> 'table') c)
             or json_typeof(f.value) not in ('string', 'number', 'null')
          limit 1)
  end
$$;

-- Refuse a malformed batch outright (a client bug, not a data problem).
-- convoy_push checks the batch's top level first, then reads its ops with a
-- quick verdict on each (convoy.read_ops); only when one fails does it run
-- check_batch, which names the first bad op (in order) as Convex would.
create or replace function convoy.check_batch_head(p_batch jsonb) returns void
language plpgsql immutable set search_path = '' as $$
declare
  v_client jsonb := p_batch -> 'clientId';
  v_bad text;
begin
  if jsonb_typeof(p_batch -> 'ops') is distinct from 'array' or jsonb_typeof(v_client) is distinct from 'string'
     or jsonb_typeof(p_batch -> 'policies') is distinct from 'object' then
    v_bad := ${lit(`a batch is {clientId: string, policies: {${names.join(', ')}}, ops: array}`)};
  elsif jsonb_array_length(p_batch -> 'ops') > ${MAX_PUSH_OPS} then
    raise exception using errcode = 'P0001', detail = 'batch_too_large',
      message = format('%s ops in one push; send at most ${MAX_PUSH_OPS}', jsonb_array_length(p_batch -> 'ops'));
  elsif (v_client #>> '{}') in ('', 'web') or char_length(v_client #>> '{}') > 200 then
    v_bad := format('invalid client id %s', v_client::text);
  elsif not coalesce(${policiesOk}, false) then
    v_bad := ${lit(`policies must give ${spoken(names, 'and')} one of ${CONFLICT_POLICIES.join(', ')}`)};
  end if;
  if v_bad is not null then raise exception using errcode = 'P0001', detail = 'bad_request', message = v_bad; end if;
end $$;

create or replace function convoy.check_batch(p_batch json) returns void
language plpgsql immutable set search_path = '' as $$
declare
  v_op json;
  v_i integer := 0;
  v_seq numeric;
  v_prev numeric;
  v_bad text;
begin
  perform convoy.check_batch_head(p_batch::jsonb);
  for v_op in select value from json_array_elements(p_batch -> 'ops') loop
    v_bad := convoy.check_op_shape(v_op);
    if v_bad is not null then v_bad := format('op %s: %s', v_i, v_bad); exit; end if;
    v_seq := (v_op ->> 'seq')::numeric;
    if v_seq <> trunc(v_seq) or v_seq < 1 or v_seq > 9007199254740991 then
      v_bad := format('op %s: seq must be a positive integer', v_i); exit;
    end if;
    if v_prev is not null and v_seq <= v_prev then v_bad := format('op %s: seq %s does not increase', v_i, v_seq); exit; end if;
    v_prev := v_seq;
    v_i := v_i + 1;
  end loop;
  if v_bad is not null then raise exception using errcode = 'P0001', detail = 'bad_request', message = v_bad; end if;
end $$;`;
}

const api = (registry: Registry): string => `-- Records of p_table with version > p_cursor, in ascending version order, at
-- most min(p_limit, 1000). \`cursor\` is the last version in the page (the
-- request cursor when empty); \`headVersion\` the user's counter, so a client
-- whose cursor is above it knows the server was reset. Read-only.
create or replace function public.convoy_pull(p_table text, p_cursor bigint, p_limit integer, p_workspace text default null) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(p_workspace);
  v_limit integer := greatest(1, least(coalesce(p_limit, 1), 1000));
  v_page jsonb;
  v_rows integer;
begin
  perform convoy.check_table(p_table);
  -- One row more than the page tells whether there is more.
  execute format('select coalesce(jsonb_agg(jsonb_build_object(''recordId'', r.record_id, ''version'', r.version, '
    || '''fields'', convoy.row_fields(%L, r.j)) order by r.version), ''[]''), count(*) from ('
    || 'select t.record_id, t.version, to_jsonb(t) as j from public.%I t '
    || 'where t.workspace_id = $1 and t.version > $2 order by t.version limit $3) r', p_table, p_table)
    into v_page, v_rows using v_ws, coalesce(p_cursor, 0), v_limit + 1;
  if v_rows > v_limit then v_page := v_page - v_limit; end if;
  return jsonb_build_object('changes', v_page, 'cursor', coalesce((v_page -> -1 ->> 'version')::bigint, p_cursor, 0),
    'hasMore', v_rows > v_limit, 'headVersion', convoy.head(v_ws));
end $$;

-- The combined pull (src/schema/server/pull-all.ts): for each table in
-- request.cursors, in registry order, its records above its cursor as
-- convoy_pull pages them, at most min(limit, 1000) records read over all
-- tables; a table not reached answers its cursor unchanged and whether it has more, a
-- table at the head is not read. Records at a version in request.known.versions
-- whose every field request.known.clientId wrote last are read but left out
-- (the replica holds them from its push results). Read-only (the pages);
-- the answer carries the caller's workspaces (convoy.workspace_list).
create or replace function public.convoy_pull_all(request jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
begin
  perform convoy.remember_me();
  -- One statement: the stable function reads everything in one snapshot.
  return convoy.pull_all(request) || jsonb_build_object('workspaces', convoy.workspace_list());
end $$;

create or replace function convoy.pull_all(request jsonb) returns jsonb
language plpgsql stable set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(request ->> 'workspace');
  v_cursors jsonb := request -> 'cursors';
  v_client text := request #>> '{known,clientId}';
  v_ranges jsonb := coalesce(request #> '{known,versions}', '[]');
  v_budget integer;
  v_head bigint;
  v_tables jsonb := '{}';
  v_table text;
  v_cursor bigint;
  v_page jsonb;
  v_rows integer;
  v_last bigint;
  v_more boolean;
begin
  if jsonb_typeof(v_cursors) is distinct from 'object' or jsonb_typeof(request -> 'limit') is distinct from 'number'
     or jsonb_typeof(v_ranges) is distinct from 'array' or jsonb_array_length(v_ranges) > ${MAX_KNOWN_RANGES} then
    raise exception using errcode = '22023', message = 'a combined pull is {cursors: {table: number}, limit: number, known?: {clientId, versions: at most ${MAX_KNOWN_RANGES} [from, to]}}';
  end if;
  for v_table in select key from jsonb_each(v_cursors) loop
    perform convoy.check_table(v_table);
    if jsonb_typeof(v_cursors -> v_table) is distinct from 'number' then
      raise exception using errcode = '22023', message = format('the cursor of %s must be a number', v_table);
    end if;
  end loop;
  v_budget := greatest(1, least(floor((request ->> 'limit')::numeric), 1000))::integer;
  v_head := convoy.head(v_ws);
  foreach v_table in array ${`array[${registry.map((t) => lit(t.name)).join(', ')}]`} loop
    continue when not v_cursors ? v_table;
    v_cursor := (v_cursors ->> v_table)::bigint;
    if v_cursor >= v_head or v_budget = 0 then
      -- Not reached: one cheap look says whether it has anything (the head is every table's, not its own).
      v_more := v_cursor < v_head;
      if v_more then
        execute format('select exists (select 1 from public.%I t where t.workspace_id = $1 and t.version > $2)', v_table) into v_more using v_ws, v_cursor;
      end if;
      v_tables := v_tables || jsonb_build_object(v_table, jsonb_build_object('changes', '[]'::jsonb, 'cursor', v_cursor, 'hasMore', v_more));
      continue;
    end if;
    -- One row more than the budget tells whether there is more.
    execute format('select coalesce(jsonb_agg(jsonb_build_object(''recordId'', r.record_id, ''version'', r.version, '
      || '''fields'', convoy.row_fields(%L, r.j)) order by r.version) filter (where r.n <= $3 and not r.known), ''[]''), '
      || 'count(*), max(r.version) filter (where r.n <= $3) from ('
      || 'select t.record_id, t.version, to_jsonb(t) as j, row_number() over (order by t.version) as n, '
      || '($4 is not null and t.field_writers <> ''{}'' '
      || 'and exists (select 1 from jsonb_array_elements($5) k where t.version between (k ->> 0)::bigint and (k ->> 1)::bigint) '
      || 'and not exists (select 1 from jsonb_each_text(t.field_writers) w where w.value <> $4)) as known '
      || 'from public.%I t where t.workspace_id = $1 and t.version > $2 order by t.version limit $3 + 1) r', v_table, v_table)
      into v_page, v_rows, v_last using v_ws, v_cursor, v_budget, v_client, v_ranges;
    v_tables := v_tables || jsonb_build_object(v_table, jsonb_build_object('changes', v_page,
      'cursor', coalesce(v_last, v_cursor), 'hasMore', v_rows > v_budget));
    v_budget := v_budget - least(v_rows, v_budget);
  end loop;
  return jsonb_build_object('tables', v_tables, 'headVersion', v_head);
end $$;

-- The workspace's current change counter: {headVersion}. Cheap; used as a ping.
create or replace function public.convoy_head(p_workspace text default null) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('headVersion', convoy.head(convoy.workspace_of(p_workspace)))
$$;

-- What a web app calls to edit a record directly (convex/web.ts): the writer
-- is 'web' and the web value always wins; versions are bumped by the same
-- trigger as push. A create fills what a form leaves out. Returns
-- {recordId, version, fields}.
create or replace function convoy.web_write(p_table text, p_record_id text, p_fields json, p_kind text, p_workspace text) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(p_workspace);
  v_fields jsonb := convoy.without_nul(p_fields)::jsonb;
  v_problem jsonb;
  v_row jsonb;
begin
  perform convoy.check_table(p_table);
  if p_kind = 'create' then
    v_fields := convoy.create_defaults(p_table) || v_fields;
  end if;
  if not convoy.is_uuid(p_record_id) then
    raise exception using errcode = '22023', message = 'recordId must be a full UUID', detail = 'recordId';
  end if;
  v_problem := convoy.check_fields(p_table, v_fields::json, p_kind);
  if v_problem is not null then
    raise exception using errcode = '22023', message = v_problem ->> 'message', detail = v_problem ->> 'field';
  end if;
  perform convoy.remember_me();
  perform convoy.lock_workspace(v_ws), set_config('convoy.locked', 'on', true);
  v_row := convoy.find_record(p_table, v_ws, p_record_id::uuid);
  if p_kind = 'create' and v_row is not null then
    raise exception using errcode = '23505', message = format('%s %s already exists', p_table, p_record_id);
  elsif p_kind = 'update' and v_row is null then
    raise exception using errcode = 'PT404', message = format('no %s %s', p_table, p_record_id);
  end if;
  perform set_config('convoy.writer', '', true), set_config('convoy.time', '', true);
  v_row := case when v_row is null then convoy.insert_record(p_table, v_ws, p_record_id::uuid, v_fields)
    else convoy.update_record(p_table, (v_row ->> 'id')::bigint, v_fields) end;
  perform set_config('convoy.locked', '', true);
  return jsonb_build_object('recordId', p_record_id) || convoy.state(p_table, v_row);
end $$;

create or replace function public.convoy_web_create(p_table text, p_record_id text, p_fields json, p_workspace text default null) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select convoy.web_write(p_table, p_record_id, p_fields, 'create', p_workspace)
$$;

create or replace function public.convoy_web_update(p_table text, p_record_id text, p_fields json, p_workspace text default null) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select convoy.web_write(p_table, p_record_id, p_fields, 'update', p_workspace)
$$;`;

const PUBLIC_FUNCTIONS = [
  'public.convoy_push(json)',
  'public.convoy_pull(text, bigint, integer, text)',
  'public.convoy_pull_all(jsonb)',
  'public.convoy_head(text)',
  'public.convoy_checksum(text, text, text)',
  'public.convoy_web_create(text, text, json, text)',
  'public.convoy_web_update(text, text, json, text)',
  ...WORKSPACE_FUNCTIONS,
].join(', ');

export const GRANTS = `-- Only signed-in users (and the service role) may call anything: Supabase
-- grants execute on new functions in public to anon by default, and
-- PostgreSQL grants it to PUBLIC.
revoke execute on all functions in schema convoy from public, anon;
revoke execute on function ${PUBLIC_FUNCTIONS} from public, anon;
grant execute on all functions in schema convoy to authenticated, service_role;
grant execute on function ${PUBLIC_FUNCTIONS} to authenticated, service_role;`;

/**
 * Functions of earlier migrations whose signature or parameter names this
 * one changes (CREATE OR REPLACE cannot rename a parameter, and an old
 * public overload would make PostgREST's calls ambiguous): dropped first,
 * then created again below. Plain functions: nothing depends on them.
 */
export function droppedSql(registry: Registry): string {
  const tableFunctions = registry.flatMap((t) => [
    `convoy.${t.name}_find(uuid, uuid)`,
    `convoy.${t.name}_insert(uuid, uuid, jsonb)`,
    `convoy.${t.name}_push(uuid, text, convoy.op[])`,
  ]);
  const old = [
    'public.convoy_pull(text, bigint, integer)',
    'public.convoy_head()',
    'public.convoy_checksum(text, text)',
    'public.convoy_web_create(text, text, json)',
    'public.convoy_web_update(text, text, json)',
    'convoy.web_write(text, text, json, text)',
    'convoy.lock_user(uuid)',
    'convoy.take_versions(uuid, integer)',
    'convoy.next_version(uuid)',
    'convoy.head(uuid)',
    'convoy.find_record(text, uuid, uuid)',
    'convoy.insert_record(text, uuid, uuid, jsonb)',
    'convoy.apply_op(uuid, text, text, convoy.op, json)',
    'convoy.replay_missing(uuid, convoy.op)',
    ...tableFunctions,
  ];
  return `-- Functions whose parameters changed (workspaces): dropped, then created again below.
${old.map((f) => `drop function if exists ${f};`).join('\n')}`;
}

export function apiSql(registry: Registry): string {
  return [`-- Part 4: checks, workspaces, pull, head and the web-side writes.`, checks(registry), workspacesSql(), api(registry)].join('\n\n');
}

/**
 * The quick verdict on op `o` (jsonb): true when check_op_shape would find
 * nothing wrong (its seq is checked by the caller).
 */
export function shapeOk(registry: Registry, o: string): string {
  const tables = `array[${registry.map((t) => lit(t.name)).join(', ')}]`;
  const keys = perTable(registry, `${o} ->> 'table'`, (t) => `array[${t.fieldNames.map(lit).join(', ')}]`, '          ');
  return `coalesce(jsonb_typeof(${o}) = 'object'
        and ${o} ->> 'table' = any (${tables})
        and ${o} ->> 'kind' in ('create', 'update')
        and jsonb_typeof(${o} -> 'seq') = 'number'
        and jsonb_typeof(${o} -> 'recordId') = 'string'
        and jsonb_typeof(${o} -> 'clientTime') = 'number'
        and coalesce(jsonb_typeof(${o} -> 'baseVersion'), 'null') in ('null', 'number')
        and jsonb_typeof(${o} -> 'fields') = 'object'
        and (${o} -> 'fields') - ${keys} = '{}'::jsonb
        and not jsonb_path_exists(${o} -> 'fields', 'strict $.* ? (@.type() != "string" && @.type() != "number" && @.type() != "null")'),
      false)`;
}
