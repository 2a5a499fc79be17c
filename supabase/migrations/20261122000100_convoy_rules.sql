-- convoy, part 2 of 4: field rules (a mirror of src/domain/rules.ts, same
-- messages), the per-user change counter, and the trigger that stamps
-- versions on every write to a synced table, from convoy_push or directly
-- from a web app alike.

-- Pure SQL helpers below carry no `set search_path` (a SET clause stops the
-- planner from inlining them, which push pays for per op): they name only
-- built-ins and schema-qualified objects. Everything else pins search_path.

-- The synced fields of each table: wire name, column, order (= SYNCED_FIELDS).
create function convoy.field_columns(p_table text)
returns table (field text, col text)
language sql immutable as $$
  select f.field, f.col from (values
    ('tasks', 'title', 'title', 1), ('tasks', 'description', 'description', 2),
    ('tasks', 'status', 'status', 3), ('tasks', 'stage', 'stage', 4),
    ('tasks', 'projectId', 'project_id', 5), ('tasks', 'parentId', 'parent_id', 6),
    ('tasks', 'completedAt', 'completed_at', 7), ('tasks', 'createdAt', 'created_at', 8),
    ('projects', 'name', 'name', 1), ('projects', 'description', 'description', 2),
    ('projects', 'createdAt', 'created_at', 3)
  ) as f (tbl, field, col, ord)
  where f.tbl = p_table order by f.ord
$$;

-- A stored row (to_jsonb of it) as wire fields: every synced field, null when
-- unset. Spelled out (the same mapping as field_columns) so it inlines: pull
-- and push call it for every record.
create function convoy.row_fields(p_table text, p_row jsonb) returns jsonb
language sql immutable as $$
  select case p_table
    when 'tasks' then jsonb_build_object('title', p_row -> 'title', 'description', p_row -> 'description',
      'status', p_row -> 'status', 'stage', p_row -> 'stage', 'projectId', p_row -> 'project_id',
      'parentId', p_row -> 'parent_id', 'completedAt', p_row -> 'completed_at', 'createdAt', p_row -> 'created_at')
    else jsonb_build_object('name', p_row -> 'name', 'description', p_row -> 'description', 'createdAt', p_row -> 'created_at')
  end
$$;

-- Wire fields as a column-keyed document for jsonb_populate_record (given fields only).
create function convoy.to_columns(p_table text, p_fields jsonb) returns jsonb
language sql immutable as $$
  select coalesce(jsonb_object_agg(c.col, p_fields -> c.field), '{}'::jsonb)
  from convoy.field_columns(p_table) c where p_fields ? c.field
$$;

-- JSON with every \u0000 escape turned into \u0001. PostgreSQL text cannot
-- hold a NUL, and its json operators refuse a document holding one; both are
-- control characters of length 1, so every rule gives the same verdict and
-- message. Applied to whatever arrives from a client before it is read.
create function convoy.without_nul(p_value json) returns json
language sql immutable as $$
  select case when strpos(p_value::text, '\u0000') = 0 then p_value
    else regexp_replace(p_value::text, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\u0001', 'g')::json end
$$;

-- The text of a JSON string, or null for anything else.
create function convoy.json_text(p_value json) returns text
language sql immutable as $$
  select case when json_typeof(p_value) = 'string' then p_value #>> '{}' end
$$;

create function convoy.is_uuid(p_value text) returns boolean
language sql immutable as $$
  select coalesce(p_value ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false)
$$;

create function convoy.problem(p_field text, p_message text) returns jsonb
language sql immutable as $$
  select jsonb_build_object('field', p_field, 'message', p_message)
$$;

-- checkText: required, at most p_max UTF-16 code units (JavaScript's length),
-- no control characters (tab and newline allowed when multiline).
create function convoy.check_text(p_field text, p_value json, p_required boolean, p_max integer, p_multiline boolean)
returns jsonb language plpgsql immutable set search_path = '' as $$
declare
  v text;
  v_len integer;
begin
  if p_value is null or json_typeof(p_value) = 'null' then
    return case when p_required then convoy.problem(p_field, p_field || ' is required') end;
  end if;
  if json_typeof(p_value) <> 'string' then return convoy.problem(p_field, p_field || ' must be a string'); end if;
  v := convoy.json_text(p_value);
  -- String.prototype.trim's whitespace.
  if p_required and v ~ '^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$' then
    return convoy.problem(p_field, p_field || ' must not be empty; give some text');
  end if;
  if char_length(v) * 2 > p_max then
    v_len := char_length(v) + (select count(*)::integer from regexp_matches(v, '[\U00010000-\U0010ffff]', 'g'));
    if v_len > p_max then
      return convoy.problem(p_field, format('%s is %s characters; shorten it to at most %s', p_field, v_len, p_max));
    end if;
  end if;
  if (p_multiline and v ~ '[\u0001-\u0008\u000b-\u001f\u007f-\u009f]') or (not p_multiline and v ~ '[\u0001-\u001f\u007f-\u009f]') then
    return convoy.problem(p_field, p_field || ' contains control characters; remove them'
      || case when p_multiline then '' else ' (it must be one line)' end);
  end if;
  return null;
end $$;

create function convoy.check_id(p_field text, p_value json) returns jsonb
language sql immutable as $$
  select case when p_value is null or json_typeof(p_value) = 'null' or convoy.is_uuid(convoy.json_text(p_value)) then null
    else convoy.problem(p_field, p_field || ' must be a full UUID or null') end
$$;

-- A time in epoch ms: a finite number >= 0 (JSON.parse makes huge ones Infinity).
create function convoy.check_time(p_field text, p_value json, p_nullable boolean) returns jsonb
language sql immutable as $$
  select case
    when p_value is null or (p_nullable and json_typeof(p_value) = 'null') then null
    when json_typeof(p_value) = 'number' and p_value::text::numeric >= 0 and p_value::text::numeric < 1.7976931348623158e308 then null
    else convoy.problem(p_field, p_field || ' must be a time in epoch milliseconds') end
$$;

create function convoy.check_status(p_value json) returns jsonb
language sql immutable as $$
  select case when p_value is null or convoy.json_text(p_value) in ('todo', 'in_progress', 'done', 'canceled') then null
    else convoy.problem('status', format('status %s is not one of todo, in_progress, done, canceled', p_value::text)) end
$$;

-- checkFields: the first problem with a (possibly partial) set of wire fields,
-- as {field, message}, or null. p_kind 'create' enforces required fields.
create function convoy.check_fields(p_table text, p_fields json, p_kind text) returns jsonb
language plpgsql immutable set search_path = '' as $$
declare
  v_key text;
  v_allowed text[] := array(select c.field from convoy.field_columns(p_table) c);
  v_create boolean := p_kind = 'create';
  v_status json;
begin
  p_fields := convoy.without_nul(p_fields);
  v_status := p_fields -> 'status';
  for v_key in select json_object_keys(p_fields) loop
    if not v_key = any (v_allowed) then
      return convoy.problem(v_key, format('%s is not a field of %s; use one of %s', v_key, p_table, array_to_string(v_allowed, ', ')));
    end if;
  end loop;
  if p_table = 'tasks' then
    -- A create may leave status out (todo); an update may not set it to null.
    if v_create and (v_status is null or json_typeof(v_status) = 'null') then v_status := '"todo"'::json; end if;
    return coalesce(
      case when v_create or p_fields -> 'title' is not null then convoy.check_text('title', p_fields -> 'title', true, 500, false) end,
      convoy.check_text('description', p_fields -> 'description', false, 10000, true),
      case when v_create or p_fields -> 'status' is not null then convoy.check_status(v_status) end,
      convoy.check_text('stage', p_fields -> 'stage', false, 100, false),
      convoy.check_id('projectId', p_fields -> 'projectId'),
      convoy.check_id('parentId', p_fields -> 'parentId'),
      convoy.check_time('completedAt', p_fields -> 'completedAt', true),
      convoy.check_time('createdAt', p_fields -> 'createdAt', false));
  end if;
  return coalesce(
    case when v_create or p_fields -> 'name' is not null then convoy.check_text('name', p_fields -> 'name', true, 200, false) end,
    convoy.check_text('description', p_fields -> 'description', false, 10000, true),
    convoy.check_time('createdAt', p_fields -> 'createdAt', false));
end $$;

-- Lock the user's counter row (creating it), so this transaction's writes
-- and every other writer of the user are serialized. Returns the head.
create function convoy.lock_user(p_user uuid) returns bigint
language plpgsql set search_path = '' as $$
declare
  v bigint;
begin
  insert into convoy.counters (user_id) values (p_user) on conflict (user_id) do nothing;
  select c.value into v from convoy.counters c where c.user_id = p_user for update;
  return v;
end $$;

-- The next version for the user: the counter row updated in the writing
-- transaction. Its row lock is held until commit, so version N+1 is handed
-- out only after the transaction that took N has committed (or rolled back):
-- a pull that has seen N has seen everything below it. A bare sequence would
-- not do: its values are taken in one order and may commit in another, and a
-- pull that saw the later one would skip the earlier one for good.
--
-- convoy_push holds that lock from its start and counts in the transaction
-- instead (convoy.counter_user / convoy.counter, saved once at its end):
-- updating one row hundreds of times in a transaction makes each update
-- walk a longer chain of row versions.
create function convoy.next_version(p_user uuid) returns bigint
language plpgsql set search_path = '' as $$
declare
  v bigint;
begin
  if current_setting('convoy.counter_user', true) = p_user::text then
    v := current_setting('convoy.counter')::bigint + 1;
    perform set_config('convoy.counter', v::text, true);
    return v;
  end if;
  insert into convoy.counters as c (user_id, value) values (p_user, 1)
  on conflict (user_id) do update set value = c.value + 1
  returning c.value into v;
  return v;
end $$;

-- The user's current head (0 before the first write).
create function convoy.head(p_user uuid) returns bigint
language sql stable set search_path = '' as $$
  select coalesce((select c.value from convoy.counters c where c.user_id = p_user), 0)
$$;

-- Before any insert/update statement on a synced table: take the caller's
-- counter lock before any row lock, so writers always lock in the same order.
-- (convoy_push, which sets convoy.writer, holds it from its start already.)
create function convoy.lock_writer() returns trigger
language plpgsql set search_path = '' as $$
begin
  if auth.uid() is not null and coalesce(current_setting('convoy.writer', true), '') = '' then
    perform convoy.lock_user(auth.uid());
  end if;
  return null;
end $$;

-- Before each row write: check the changed fields (push has checked them per
-- op already, so only other writers'), then stamp them. A write
-- that changes at least one synced value takes the next version as the row
-- version and as the version of each changed field, with the writer
-- (convoy.writer, set by convoy_push; 'web' otherwise) and its clock
-- (convoy.time, or now); a write that changes nothing keeps the old stamps.
-- The bookkeeping columns are always the server's.
create function convoy.stamp_record() returns trigger
language plpgsql set search_path = '' as $$
declare
  v_new jsonb := to_jsonb(new);
  v_changed jsonb;
  v_problem jsonb;
  v_version bigint;
  v_writer text := coalesce(nullif(current_setting('convoy.writer', true), ''), 'web');
  v_time double precision := coalesce(nullif(current_setting('convoy.time', true), '')::double precision,
    floor(extract(epoch from clock_timestamp()) * 1000));
begin
  if tg_op = 'UPDATE' then
    if new.user_id is distinct from old.user_id or new.record_id is distinct from old.record_id then
      raise exception using errcode = '22023', message = 'user_id and record_id of a synced record cannot change';
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
  v_version := convoy.next_version(new.user_id);
  new.version := v_version;
  select new.field_versions || jsonb_object_agg(k, v_version),
         new.field_writers || jsonb_object_agg(k, v_writer),
         new.field_times || jsonb_object_agg(k, v_time)
    into new.field_versions, new.field_writers, new.field_times
  from jsonb_object_keys(v_changed) k;
  return new;
end $$;

create trigger convoy_lock before insert or update on public.tasks
  for each statement execute function convoy.lock_writer();
create trigger convoy_stamp before insert or update on public.tasks
  for each row execute function convoy.stamp_record();
create trigger convoy_lock before insert or update on public.projects
  for each statement execute function convoy.lock_writer();
create trigger convoy_stamp before insert or update on public.projects
  for each row execute function convoy.stamp_record();
