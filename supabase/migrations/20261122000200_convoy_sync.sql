-- convoy, part 3 of 4: the helpers of the functions clients call (part 4):
-- identity, batch checks, and record reads and writes over the
-- synced tables. The public functions, all security invoker (row-level
-- security applies), are:
--
--   convoy_push(batch json)                        apply a replica's ops (src/sync/protocol.ts PushBatch)
--   convoy_pull(p_table, p_cursor, p_limit)        one page of changes above a cursor
--   convoy_head()                                  the caller's head version (a cheap ping)
--   convoy_web_create / convoy_web_update          what a web app calls to edit records
--
-- Errors (PostgREST turns them into HTTP statuses): 28000 no signed-in user
-- (403); P0001 a malformed batch, which will fail the same way again (400);
-- 22023 invalid arguments (400); 23505 web create of a known id (409); PT404
-- web update of an unknown id (404). Data problems in a pushed op are
-- per-op 'rejected' results, never errors.
-- convoy_push takes json, not jsonb, so that fields keep the order they were
-- sent in: conflicts are reported in op field order, as Convex does.

create function convoy.require_user() returns uuid
language plpgsql stable set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception using errcode = '28000', message = 'no identity: call with a signed-in user''s access token '
      || '(convoy config set supabase.accessToken -, or CONVOY_SUPABASE_TOKEN)';
  end if;
  return auth.uid();
end $$;

create function convoy.check_table(p_table text) returns void
language plpgsql immutable set search_path = '' as $$
begin
  if p_table is distinct from 'tasks' and p_table is distinct from 'projects' then
    raise exception using errcode = '22023', message = format('unknown table %s; use tasks or projects', coalesce(p_table, 'null'));
  end if;
end $$;

-- Refuse a malformed batch outright (a client bug, not a data problem).
create function convoy.check_batch(p_batch json) returns void
language plpgsql immutable set search_path = '' as $$
declare
  v_client json := p_batch -> 'clientId';
  v_op json;
  v_i integer := 0;
  v_seq numeric;
  v_prev numeric;
  v_bad text;
begin
  if json_typeof(p_batch -> 'ops') is distinct from 'array' or json_typeof(v_client) is distinct from 'string'
     or json_typeof(p_batch -> 'policies') is distinct from 'object' then
    v_bad := 'a batch is {clientId: string, policies: {tasks, projects}, ops: array}';
  elsif json_array_length(p_batch -> 'ops') > 500 then
    raise exception using errcode = 'P0001', detail = 'batch_too_large',
      message = format('%s ops in one push; send at most 500', json_array_length(p_batch -> 'ops'));
  elsif (v_client #>> '{}') in ('', 'web') or char_length(v_client #>> '{}') > 200 then
    v_bad := format('invalid client id %s', v_client::text);
  elsif not coalesce(p_batch -> 'policies' ->> 'tasks' in ('local-wins', 'remote-wins', 'last-write-wins', 'manual')
      and p_batch -> 'policies' ->> 'projects' in ('local-wins', 'remote-wins', 'last-write-wins', 'manual'), false) then
    v_bad := 'policies must give tasks and projects one of local-wins, remote-wins, last-write-wins, manual';
  end if;
  for v_op in select value from json_array_elements(case when v_bad is null then p_batch -> 'ops' else '[]' end) loop
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
end $$;

-- The shape an op must have (what Convex's argument validators check), or what is wrong.
create function convoy.check_op_shape(p_op json) returns text
language sql immutable as $$
  select case
    when json_typeof(p_op) is distinct from 'object' then 'an op must be an object'
    when p_op ->> 'table' is null or p_op ->> 'table' not in ('tasks', 'projects') then 'table must be tasks or projects'
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

-- Reads and writes of a synced record, spelled out per table (static
-- statements keep their plans; push runs them once per op). A new synced
-- table adds its branch here, in convoy.field_columns and convoy.row_fields.

-- The caller's record of p_table (to_jsonb of the row), locked, or null.
create function convoy.find_record(p_table text, p_user uuid, p_record_id uuid) returns jsonb
language plpgsql volatile set search_path = '' as $$
declare
  v jsonb;
begin
  if p_table = 'tasks' then
    select to_jsonb(t) into v from public.tasks t where t.user_id = p_user and t.record_id = p_record_id for update;
  else
    select to_jsonb(t) into v from public.projects t where t.user_id = p_user and t.record_id = p_record_id for update;
  end if;
  return v;
end $$;

-- Insert a record with the given wire fields (absent ones take the column
-- defaults); the stamp trigger versions it. Returns the row.
create function convoy.insert_record(p_table text, p_user uuid, p_record_id uuid, p_fields jsonb) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_doc jsonb := convoy.to_columns(p_table, p_fields);
  v_now double precision := floor(extract(epoch from clock_timestamp()) * 1000);
  v jsonb;
begin
  if p_table = 'tasks' then
    insert into public.tasks as t (user_id, record_id, title, description, status, stage, project_id, parent_id, completed_at, created_at)
    select p_user, p_record_id, r.title, r.description, coalesce(r.status, 'todo'), r.stage, r.project_id, r.parent_id,
      r.completed_at, coalesce(r.created_at, v_now)
    from jsonb_populate_record(null::public.tasks, v_doc) r
    returning to_jsonb(t) into v;
  else
    insert into public.projects as t (user_id, record_id, name, description, created_at)
    select p_user, p_record_id, r.name, r.description, coalesce(r.created_at, v_now)
    from jsonb_populate_record(null::public.projects, v_doc) r
    returning to_jsonb(t) into v;
  end if;
  return v;
end $$;

-- Update the given wire fields of a row (the others keep their values); the
-- stamp trigger versions what changed. Returns the row.
create function convoy.update_record(p_table text, p_id bigint, p_fields jsonb) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_doc jsonb := convoy.to_columns(p_table, p_fields);
  v jsonb;
begin
  if p_table = 'tasks' then
    update public.tasks as t set (title, description, status, stage, project_id, parent_id, completed_at, created_at) = (
      select r.title, r.description, r.status, r.stage, r.project_id, r.parent_id, r.completed_at, r.created_at
      from jsonb_populate_record(t, v_doc) r)
    where t.id = p_id returning to_jsonb(t) into v;
  else
    update public.projects as t set (name, description, created_at) = (
      select r.name, r.description, r.created_at from jsonb_populate_record(t, v_doc) r)
    where t.id = p_id returning to_jsonb(t) into v;
  end if;
  return v;
end $$;

-- A record's state as push results and web calls return it.
create function convoy.state(p_table text, p_row jsonb) returns jsonb
language sql immutable as $$
  select jsonb_build_object('version', (p_row ->> 'version')::bigint, 'fields', convoy.row_fields(p_table, p_row))
$$;
