-- convoy, part 4 of 4: push, pull and the web-side functions (see part 3 for
-- the error codes). Mirrors convex/push.ts, convex/pull.ts, convex/web.ts.

-- settleUpdate (convex/model/settle.ts): decide field by field what an update
-- stores. A field is in conflict when another writer changed it after the
-- op's base version and the server value differs from the op's; the policy
-- settles it (local-wins, remote-wins, last-write-wins by wall clock with a
-- tie keeping the server value, manual holding the server value).
-- Returns {writes, conflicts, othersChanged}.
create function convoy.settle(p_fields json, p_base numeric, p_client_time numeric, p_client text, p_policy text,
  p_current jsonb, p_row jsonb) returns jsonb
language plpgsql immutable set search_path = '' as $$
declare
  v_base numeric := coalesce(p_base, 0);
  v_versions jsonb := p_row -> 'field_versions';
  v_writers jsonb := p_row -> 'field_writers';
  v_writes jsonb := '{}';
  v_conflicts jsonb := '[]';
  v_key text;
  v_local jsonb;
  v_remote jsonb;
  v_winner text;
begin
  for v_key, v_local in select f.key, f.value::jsonb from json_each(p_fields) f loop
    v_remote := coalesce(p_current -> v_key, 'null');
    continue when v_remote = v_local;
    if not (coalesce((v_versions ->> v_key)::numeric, 0) > v_base and (v_writers ->> v_key) is distinct from p_client) then
      v_writes := v_writes || jsonb_build_object(v_key, v_local);
      continue;
    end if;
    v_winner := case p_policy
      when 'local-wins' then 'local'
      when 'remote-wins' then 'remote'
      when 'last-write-wins' then
        case when p_client_time > coalesce((p_row -> 'field_times' ->> v_key)::numeric, 0) then 'local' else 'remote' end
      else 'pending' end;
    if v_winner = 'local' then v_writes := v_writes || jsonb_build_object(v_key, v_local); end if;
    v_conflicts := v_conflicts || jsonb_build_array(jsonb_build_object(
      'field', v_key, 'local', v_local, 'remote', v_remote, 'policy', p_policy, 'winner', v_winner));
  end loop;
  return jsonb_build_object('writes', v_writes, 'conflicts', v_conflicts, 'othersChanged', exists (
    select 1 from jsonb_each_text(v_versions) v
    where v.value::numeric > v_base and (v_writers ->> v.key) is distinct from p_client));
end $$;

-- Apply one new op (convex/push.ts applyOp). Data problems become a
-- 'rejected' result, never an error.
create function convoy.apply_op(p_user uuid, p_client text, p_policy text, p_op json) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_seq bigint := (p_op ->> 'seq')::bigint;
  v_table text := p_op ->> 'table';
  v_kind text := p_op ->> 'kind';
  v_record text := convoy.json_text(p_op -> 'recordId');
  v_problem jsonb;
  v_row jsonb;
  v_settled jsonb;
  v_status text;
begin
  if not convoy.is_uuid(v_record) then
    return jsonb_build_object('seq', v_seq, 'status', 'rejected',
      'reason', format('recordId %s is not a full lowercase UUID', p_op -> 'recordId'));
  end if;
  v_problem := convoy.check_fields(v_table, p_op -> 'fields', v_kind);
  if v_problem is not null then
    return jsonb_build_object('seq', v_seq, 'status', 'rejected', 'reason', v_problem ->> 'message');
  end if;
  perform set_config('convoy.time', p_op ->> 'clientTime', true);
  v_row := convoy.find_record(v_table, p_user, v_record::uuid);
  if v_row is null then
    if v_kind = 'update' then return jsonb_build_object('seq', v_seq, 'status', 'rejected', 'reason', 'unknown record'); end if;
    v_row := convoy.insert_record(v_table, p_user, v_record::uuid, (p_op -> 'fields')::jsonb);
    return jsonb_build_object('seq', v_seq, 'status', 'applied') || convoy.state(v_table, v_row);
  end if;
  -- A create of a record the server already has (e.g. created by another
  -- replica with the same id) is an update that never saw the server version.
  v_settled := convoy.settle(p_op -> 'fields', case when v_kind = 'create' then null else (p_op ->> 'baseVersion')::numeric end,
    (p_op ->> 'clientTime')::numeric, p_client, p_policy, convoy.row_fields(v_table, v_row), v_row);
  if v_settled -> 'writes' <> '{}'::jsonb then
    v_row := convoy.update_record(v_table, (v_row ->> 'id')::bigint, v_settled -> 'writes');
  end if;
  if jsonb_array_length(v_settled -> 'conflicts') > 0 then
    return jsonb_build_object('seq', v_seq, 'status', 'conflict') || convoy.state(v_table, v_row)
      || jsonb_build_object('conflicts', v_settled -> 'conflicts');
  end if;
  v_status := case when (v_settled ->> 'othersChanged')::boolean then 'merged' else 'applied' end;
  return jsonb_build_object('seq', v_seq, 'status', v_status) || convoy.state(v_table, v_row);
end $$;

-- The answer for an op at or below the client's last applied sequence: the
-- stored result, else the record's current state (a replica that lost its
-- state resending long-acknowledged ops), never applying it twice.
create function convoy.replay_result(p_user uuid, p_client text, p_op json) returns jsonb
language plpgsql stable set search_path = '' as $$
declare
  v_seq bigint := (p_op ->> 'seq')::bigint;
  v_record text := convoy.json_text(p_op -> 'recordId');
  v jsonb;
begin
  select r.result into v from convoy.op_results r where r.user_id = p_user and r.client_id = p_client and r.seq = v_seq;
  if v is not null then return v; end if;
  if convoy.is_uuid(v_record) then v := convoy.find_record(p_op ->> 'table', p_user, v_record::uuid); end if;
  if v is null then
    return jsonb_build_object('seq', v_seq, 'status', 'rejected', 'reason', 'already processed; its result is no longer stored');
  end if;
  return jsonb_build_object('seq', v_seq, 'status', 'applied') || convoy.state(p_op ->> 'table', v);
end $$;

-- Apply a replica's ops, in order, in this one transaction (Backend.push in
-- src/sync/backend.ts). Idempotent per client and sequence number; one
-- result per op, in op order; a rejected op still advances the client's
-- applied sequence. Holds the user's counter lock from the start, so pushes
-- of one user (and their web writes) run one at a time.
create function public.convoy_push(batch json) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
  v_client text;
  v_known bigint;
  v_last bigint;
  v_op json;
  v_seq bigint;
  v_result jsonb;
  v_results jsonb[] := '{}';
  v_policies jsonb;
begin
  batch := convoy.without_nul(batch);
  perform convoy.check_batch(batch);
  -- Read the batch's scalars once: each -> on json parses the whole text again.
  v_client := batch ->> 'clientId';
  v_policies := (batch -> 'policies')::jsonb;
  perform set_config('convoy.counter', convoy.lock_user(v_user)::text, true), set_config('convoy.counter_user', v_user::text, true);
  select c.last_seq into v_known from convoy.clients c where c.user_id = v_user and c.client_id = v_client;
  v_last := coalesce(v_known, 0);
  delete from convoy.op_results r where r.user_id = v_user and r.client_id = v_client and r.seq < (batch -> 'ops' -> 0 ->> 'seq')::bigint;
  perform set_config('convoy.writer', v_client, true);
  for v_op in select e.value from json_array_elements(batch -> 'ops') e loop
    v_seq := (v_op ->> 'seq')::bigint;
    if v_seq <= v_last then
      v_result := convoy.replay_result(v_user, v_client, v_op);
    else
      v_result := convoy.apply_op(v_user, v_client, v_policies ->> (v_op ->> 'table'), v_op);
      insert into convoy.op_results (user_id, client_id, seq, result) values (v_user, v_client, v_seq, v_result);
      v_last := v_seq;
    end if;
    v_results := array_append(v_results, v_result);
  end loop;
  if v_last > coalesce(v_known, 0) then
    insert into convoy.clients as c (user_id, client_id, last_seq) values (v_user, v_client, v_last)
    on conflict (user_id, client_id) do update set last_seq = excluded.last_seq;
  end if;
  update convoy.counters c set value = current_setting('convoy.counter')::bigint
  where c.user_id = v_user and c.value < current_setting('convoy.counter')::bigint;
  perform set_config('convoy.writer', '', true), set_config('convoy.time', '', true), set_config('convoy.counter_user', '', true);
  return jsonb_build_object('results', to_jsonb(v_results));
end $$;

-- Records of p_table with version > p_cursor, in ascending version order, at
-- most min(p_limit, 1000). `cursor` is the last version in the page (the
-- request cursor when empty); `headVersion` the user's counter, so a client
-- whose cursor is above it knows the server was reset. Read-only.
create function public.convoy_pull(p_table text, p_cursor bigint, p_limit integer) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
  v_limit integer := greatest(1, least(coalesce(p_limit, 1), 1000));
  v_page jsonb;
  v_rows integer;
begin
  perform convoy.check_table(p_table);
  -- One row more than the page tells whether there is more.
  execute format('select coalesce(jsonb_agg(jsonb_build_object(''recordId'', r.record_id, ''version'', r.version, '
    || '''fields'', convoy.row_fields(%L, r.j)) order by r.version), ''[]''), count(*) from ('
    || 'select t.record_id, t.version, to_jsonb(t) as j from public.%I t '
    || 'where t.user_id = $1 and t.version > $2 order by t.version limit $3) r', p_table, p_table)
    into v_page, v_rows using v_user, coalesce(p_cursor, 0), v_limit + 1;
  if v_rows > v_limit then v_page := v_page - v_limit; end if;
  return jsonb_build_object('changes', v_page, 'cursor', coalesce((v_page -> -1 ->> 'version')::bigint, p_cursor, 0),
    'hasMore', v_rows > v_limit, 'headVersion', convoy.head(v_user));
end $$;

-- The caller's current change counter: {headVersion}. Cheap; used as a ping.
create function public.convoy_head() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('headVersion', convoy.head(convoy.require_user()))
$$;

-- What a web app calls to edit a record directly (convex/web.ts): the writer
-- is 'web' and the web value always wins; versions are bumped by the same
-- trigger as push. A create fills what a form leaves out. Returns
-- {recordId, version, fields}.
create function convoy.web_write(p_table text, p_record_id text, p_fields json, p_kind text) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
  v_now double precision := floor(extract(epoch from clock_timestamp()) * 1000);
  v_fields jsonb := convoy.without_nul(p_fields)::jsonb;
  v_problem jsonb;
  v_row jsonb;
begin
  perform convoy.check_table(p_table);
  if p_kind = 'create' then
    v_fields := case when p_table = 'tasks' then jsonb_build_object('description', null, 'status', 'todo', 'stage', null,
      'projectId', null, 'parentId', null, 'completedAt', null, 'createdAt', v_now)
      else jsonb_build_object('description', null, 'createdAt', v_now) end || v_fields;
  end if;
  if not convoy.is_uuid(p_record_id) then
    raise exception using errcode = '22023', message = 'recordId must be a full UUID', detail = 'recordId';
  end if;
  v_problem := convoy.check_fields(p_table, v_fields::json, p_kind);
  if v_problem is not null then
    raise exception using errcode = '22023', message = v_problem ->> 'message', detail = v_problem ->> 'field';
  end if;
  perform convoy.lock_user(v_user);
  v_row := convoy.find_record(p_table, v_user, p_record_id::uuid);
  if p_kind = 'create' and v_row is not null then
    raise exception using errcode = '23505', message = format('%s %s already exists', p_table, p_record_id);
  elsif p_kind = 'update' and v_row is null then
    raise exception using errcode = 'PT404', message = format('no %s %s', p_table, p_record_id);
  end if;
  perform set_config('convoy.writer', '', true), set_config('convoy.time', '', true);
  v_row := case when v_row is null then convoy.insert_record(p_table, v_user, p_record_id::uuid, v_fields)
    else convoy.update_record(p_table, (v_row ->> 'id')::bigint, v_fields) end;
  return jsonb_build_object('recordId', p_record_id) || convoy.state(p_table, v_row);
end $$;

create function public.convoy_web_create(p_table text, p_record_id text, p_fields json) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select convoy.web_write(p_table, p_record_id, p_fields, 'create')
$$;

create function public.convoy_web_update(p_table text, p_record_id text, p_fields json) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select convoy.web_write(p_table, p_record_id, p_fields, 'update')
$$;

-- Only signed-in users (and the service role) may call anything: Supabase
-- grants execute on new functions in public to anon by default, and
-- PostgreSQL grants it to PUBLIC.
revoke execute on all functions in schema convoy from public, anon;
revoke execute on function public.convoy_push(json), public.convoy_pull(text, bigint, integer), public.convoy_head(),
  public.convoy_web_create(text, text, json), public.convoy_web_update(text, text, json) from public, anon;
grant execute on all functions in schema convoy to authenticated, service_role;
grant execute on function public.convoy_push(json), public.convoy_pull(text, bigint, integer), public.convoy_head(),
  public.convoy_web_create(text, text, json), public.convoy_web_update(text, text, json) to authenticated, service_role;
