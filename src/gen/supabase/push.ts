/**
 * Part 5 of the generated SQL: convoy_push. Mirrors the server half of the
 * protocol in src/schema/server (settle.ts: settlement by policy). A batch
 * is read once (convoy.read_ops), replays and rejections are answered in one
 * query, the new ops of records the batch touches once go through one
 * set-based pass per table (fast-push.ts), and only records touched more
 * than once or needing settlement are applied op by op, in op order.
 */
import type { Registry } from '../../schema/registry.js';
import { shapeOk } from './api.js';
import { ident, lit, perTable } from './sql.js';

const SETTLE = `-- settleUpdate (src/schema/server/settle.ts): decide field by field what an
-- update stores. A field is in conflict when another writer changed it after
-- the op's base version and the server value differs from the op's; the
-- policy settles it (local-wins, remote-wins, last-write-wins by wall clock
-- with a tie keeping the server value, manual holding the server value).
-- Returns {writes, conflicts, othersChanged}.
create or replace function convoy.settle(p_fields json, p_base numeric, p_client_time numeric, p_client text, p_policy text,
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
  return jsonb_build_object('writes', v_writes, 'conflicts', v_conflicts, 'othersChanged', convoy.others_changed(v_versions, v_writers, p_base, p_client));
end $$;

-- Apply one valid new op on its own (the op by op path); p_raw is its
-- fields as sent (conflicts are reported in that order, as Convex does).
-- Data problems become a 'rejected' result, never an error.
create or replace function convoy.apply_op(p_workspace uuid, p_client text, p_policy text, p_op convoy.op, p_raw json) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_row jsonb;
  v_settled jsonb;
  v_status text;
  v_writers jsonb;
begin
  perform set_config('convoy.time', p_op.ctime::text, true);
  v_row := convoy.find_record(p_op.tbl, p_workspace, p_op.rid);
  if v_row is null then
    if p_op.kind = 'update' then return jsonb_build_object('seq', p_op.seq, 'status', 'rejected', 'reason', 'unknown record'); end if;
    v_row := convoy.insert_record(p_op.tbl, p_workspace, p_op.rid, p_op.fields);
    return jsonb_build_object('seq', p_op.seq, 'status', 'applied') || convoy.state(p_op.tbl, v_row);
  end if;
  -- A create of a record the server already has (e.g. created by another
  -- replica with the same id) is an update that never saw the server version.
  v_writers := v_row -> 'field_writers';
  v_settled := convoy.settle(p_raw, case when p_op.kind = 'create' then null else p_op.base end,
    p_op.ctime, p_client, p_policy, convoy.row_fields(p_op.tbl, v_row), v_row);
  if v_settled -> 'writes' <> '{}'::jsonb then
    v_row := convoy.update_record(p_op.tbl, (v_row ->> 'id')::bigint, v_settled -> 'writes');
  end if;
  if jsonb_array_length(v_settled -> 'conflicts') > 0 then
    return jsonb_build_object('seq', p_op.seq, 'status', 'conflict') || convoy.state(p_op.tbl, v_row)
      || jsonb_build_object('conflicts', convoy.with_writers(p_workspace, v_settled -> 'conflicts', v_writers));
  end if;
  v_status := case when (v_settled ->> 'othersChanged')::boolean then 'merged' else 'applied' end;
  return jsonb_build_object('seq', p_op.seq, 'status', v_status) || convoy.state(p_op.tbl, v_row);
end $$;

-- Each conflict with remoteWriter: the user behind the client that wrote the
-- remote value (p_writers: field -> client id, before the op), as the
-- workspace's clients bookkeeping knows them; null for a web write or an
-- unknown client.
create or replace function convoy.with_writers(p_workspace uuid, p_conflicts jsonb, p_writers jsonb) returns jsonb
language sql stable set search_path = '' as $$
  select coalesce(jsonb_agg(c.value || jsonb_build_object('remoteWriter', (
      select jsonb_build_object('userId', k.user_id, 'name', u.name)
      from convoy.clients k left join convoy.users u on u.user_id = k.user_id
      where k.workspace_id = p_workspace and k.client_id = p_writers ->> (c.value ->> 'field') and k.user_id is not null))
    order by c.n), '[]')
  from jsonb_array_elements(p_conflicts) with ordinality c (value, n)
$$;

-- The answer for an op at or below the client's last applied sequence whose
-- result is no longer stored: the record's current state (a replica that
-- lost its state resending long-acknowledged ops), never applying it twice.
create or replace function convoy.replay_missing(p_workspace uuid, p_op convoy.op) returns jsonb
language plpgsql volatile set search_path = '' as $$
declare
  v jsonb;
begin
  if p_op.rid is not null then v := convoy.find_record(p_op.tbl, p_workspace, p_op.rid); end if;
  if v is null then
    return jsonb_build_object('seq', p_op.seq, 'status', 'rejected', 'reason', 'already processed; its result is no longer stored');
  end if;
  return jsonb_build_object('seq', p_op.seq, 'status', 'applied') || convoy.state(p_op.tbl, v);
end $$;`;

function readOps(registry: Registry): string {
  const check = perTable(registry, 'q.tbl', (t) => `convoy.check_${ident(t.name)}(q.fields, q.kind = 'create')`, '        ');
  return `-- The ops of a batch (as jsonb), in op order, classified
-- (convoy.op): malformed, replayed, rejected by the field rules or the
-- record id, new, or slow (a record touched by more than one new op).
-- Materialized steps: each value is computed once per op, not once per use.
-- PL/pgSQL with a generic plan, not SQL: its plan is made once per session
-- (a SQL function's is made again in every transaction, and planning the
-- inlined rules costs more than running them); it reads no table, so no
-- statistics could make another plan better.
create or replace function convoy.read_ops(p_batch jsonb, p_known bigint) returns convoy.op[]
language plpgsql stable set search_path = '' set plan_cache_mode = force_generic_plan as $$
declare
  v convoy.op[];
begin
  with k as materialized (
    select e.i::integer as i, e.o, ${shapeOk(registry, 'e.o')} as ok
    from jsonb_array_elements(p_batch -> 'ops') with ordinality as e (o, i)
  ), q as materialized (
    select k.i, k.ok, case when k.ok then (k.o ->> 'seq')::numeric end as seq, k.o ->> 'table' as tbl, k.o ->> 'kind' as kind,
      k.o ->> 'recordId' as record_id, case when k.ok and convoy.is_uuid(k.o ->> 'recordId') then (k.o ->> 'recordId')::uuid end as rid,
      k.o -> 'fields' as fields, case when k.ok then (k.o ->> 'baseVersion')::numeric end as base,
      case when k.ok then (k.o ->> 'clientTime')::numeric end as ctime
    from k
  ), c as materialized (
    select q.*, case
        when not q.ok or q.seq <= p_known then null
        when q.rid is null then format('recordId %s is not a full lowercase UUID', to_json(q.record_id))
        else ${check} ->> 'message' end as reason
    from q
  )
  select coalesce(array_agg(row(d.i, d.seq, d.tbl, d.kind, d.rid, d.fields, d.base, d.ctime, d.cls, d.reason)::convoy.op order by d.i), '{}')
  into v
  from (
    select c.i, c.tbl, c.kind, c.rid, c.fields, c.base, c.ctime, c.reason,
      case when c.seq >= 1 and c.seq <= 9007199254740991 then c.seq::bigint end as seq,
      case
        when not c.ok or c.seq <> trunc(c.seq) or c.seq < 1 or c.seq > 9007199254740991
          or c.seq <= lag(c.seq) over (order by c.i) then 'bad'
        when c.seq <= p_known then 'replay'
        when c.reason is not null then 'rejected'
        when count(*) filter (where c.seq > p_known and c.reason is null) over (partition by c.tbl, c.rid) > 1 then 'slow'
        else 'new' end as cls
    from c
  ) d;
  return v;
end $$;`;
}

function convoyPush(registry: Registry): string {
  const fast = registry.map((t) => {
    const name = ident(t.name);
    return `  if ${lit(t.name)} = any (v_tables) then
    v_res := v_res || convoy.${name}_push(v_ws, v_client, array(select o from unnest(v_ops) o where o.cls = 'new' and o.tbl = ${lit(t.name)}));
  end if;`;
  });
  return `-- Apply a replica's ops, in order, in this one transaction (Backend.push in
-- src/sync/backend.ts). Idempotent per client and sequence number; one
-- result per op, in op order; a rejected op still advances the client's
-- applied sequence. The batch's workspace (batch.workspace, else the
-- personal one) must be the caller's (convoy.workspace_of). Holds the
-- workspace's counter lock from the start, so pushes to one workspace (and
-- its web writes) run one at a time.
create or replace function public.convoy_push(batch json) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(convoy.without_nul(batch) ->> 'workspace');
  v_user uuid := convoy.remember_me();
  v_batch jsonb;
  v_client text;
  v_known bigint;
  v_last bigint;
  v_ops convoy.op[];
  v_op convoy.op;
  v_i integer;
  v_raw json;
  v_res convoy.op_result[];
  v_results jsonb;
  v_seqs bigint[];
  v_tables text[];
  v_policies jsonb;
begin
  batch := convoy.without_nul(batch);
  -- Parsed once: each -> on json parses the whole text again. (The fields
  -- as sent, in their order, are read again only for ops to settle.)
  v_batch := batch::jsonb;
  perform convoy.check_batch_head(v_batch);
  v_client := v_batch ->> 'clientId';
  v_policies := v_batch -> 'policies';
  perform set_config('convoy.counter', convoy.lock_workspace(v_ws)::text, true), set_config('convoy.counter_workspace', v_ws::text, true),
    set_config('convoy.writer', v_client, true), set_config('convoy.locked', 'on', true);
  select c.last_seq into v_known from convoy.clients c where c.workspace_id = v_ws and c.client_id = v_client;
  v_ops := convoy.read_ops(v_batch, coalesce(v_known, 0));
  if exists (select 1 from unnest(v_ops) o where o.cls = 'bad') then
    perform convoy.check_batch(batch);
    raise exception using errcode = 'P0001', detail = 'bad_request', message = 'malformed op';
  end if;
  delete from convoy.op_results r where r.workspace_id = v_ws and r.client_id = v_client and r.last_seq < v_ops[1].seq;
  -- Replays and rejections write nothing.
  v_res := array(
    select row(o.i, o.seq, case o.cls
        when 'rejected' then jsonb_build_object('seq', o.seq, 'status', 'rejected', 'reason', o.reason)
        else coalesce((select r.results -> (array_position(r.seqs, o.seq) - 1) from convoy.op_results r
            where r.workspace_id = v_ws and r.client_id = v_client and r.first_seq <= o.seq order by r.first_seq desc limit 1),
          convoy.replay_missing(v_ws, o)) end)::convoy.op_result
    from unnest(v_ops) o
    where o.cls in ('replay', 'rejected'));
  -- Records the batch touches once: set-based, per table. These statements
  -- stamp their rows themselves (the stamp trigger skips them).
  v_tables := array(select distinct o.tbl from unnest(v_ops) o where o.cls = 'new');
  perform set_config('convoy.stamping', 'push', true);
${fast.join('\n')}
  perform set_config('convoy.stamping', '', true);
  -- The rest op by op, in op order: records touched more than once, and
  -- updates to settle (the null results of the set-based pass).
  for v_i, v_raw in
    select o.i, e.value -> 'fields' from unnest(v_ops) o
    join json_array_elements(batch -> 'ops') with ordinality e on e.ordinality = o.i
    where o.cls = 'slow' or o.i in (select r.i from unnest(v_res) r where r.result is null)
    order by o.i
  loop
    v_op := v_ops[v_i];
    v_res := v_res || row(v_op.i, v_op.seq, convoy.apply_op(v_ws, v_client, v_policies ->> v_op.tbl, v_op, v_raw))::convoy.op_result;
  end loop;
  select coalesce(jsonb_agg(r.result order by r.i), '[]'), array_agg(r.seq order by r.i), max(r.seq)
  into v_results, v_seqs, v_last from unnest(v_res) r where r.result is not null;
  if v_last > coalesce(v_known, 0) then
    insert into convoy.op_results (workspace_id, client_id, first_seq, last_seq, seqs, results)
    values (v_ws, v_client, (select min(q) from unnest(v_seqs) q where q > coalesce(v_known, 0)), v_last, v_seqs, v_results);
    insert into convoy.clients as c (workspace_id, client_id, last_seq, user_id) values (v_ws, v_client, v_last, v_user)
    on conflict (workspace_id, client_id) do update set last_seq = excluded.last_seq, user_id = excluded.user_id;
  end if;
  update convoy.counters c set value = current_setting('convoy.counter')::bigint
  where c.workspace_id = v_ws and c.value < current_setting('convoy.counter')::bigint;
  perform set_config('convoy.writer', '', true), set_config('convoy.time', '', true), set_config('convoy.counter_workspace', '', true),
    set_config('convoy.locked', '', true);
  return jsonb_build_object('results', v_results);
end $$;`;
}

export function pushSql(registry: Registry, fastPush: string[], othersChanged: string): string {
  return [
    `-- Part 5: push (set-based for the common path; op by op where settlement needs it).`,
    othersChanged,
    ...fastPush,
    SETTLE,
    readOps(registry),
    convoyPush(registry),
  ].join('\n\n');
}
