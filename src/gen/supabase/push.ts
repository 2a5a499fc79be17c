/**
 * Part 5 of the generated SQL: convoy_push. Mirrors the server half of the
 * protocol in src/schema/server (settle.ts: settlement by policy). A batch
 * is read once (convoy.read_ops), replays and rejections are answered in one
 * query, the new ops of records the batch touches once go through one
 * set-based pass per table (fast-push.ts), and only records touched more
 * than once or needing settlement are applied op by op, in op order.
 */
import type { Registry } from '../../schema/registry.js';
import { ident, lit, perTable } from './sql.js';

const SETTLE = `-- settleUpdate (src/schema/server/settle.ts): decide field by field what an
-- update stores. A field is in conflict when another writer changed it after
-- the op's base version and the server value differs from the op's; the
-- policy settles it (local-wins, remote-wins, last-write-wins by wall clock
-- with a tie keeping the server value, manual holding the server value).
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
  return jsonb_build_object('writes', v_writes, 'conflicts', v_conflicts, 'othersChanged', convoy.others_changed(v_versions, v_writers, p_base, p_client));
end $$;

-- Apply one valid new op on its own (the op by op path). Data problems
-- become a 'rejected' result, never an error.
create function convoy.apply_op(p_user uuid, p_client text, p_policy text, p_op convoy.op) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_row jsonb;
  v_settled jsonb;
  v_status text;
begin
  perform set_config('convoy.time', p_op.ctime::text, true);
  v_row := convoy.find_record(p_op.tbl, p_user, p_op.rid);
  if v_row is null then
    if p_op.kind = 'update' then return jsonb_build_object('seq', p_op.seq, 'status', 'rejected', 'reason', 'unknown record'); end if;
    v_row := convoy.insert_record(p_op.tbl, p_user, p_op.rid, p_op.fields);
    return jsonb_build_object('seq', p_op.seq, 'status', 'applied') || convoy.state(p_op.tbl, v_row);
  end if;
  -- A create of a record the server already has (e.g. created by another
  -- replica with the same id) is an update that never saw the server version.
  v_settled := convoy.settle(p_op.raw, case when p_op.kind = 'create' then null else p_op.base end,
    p_op.ctime, p_client, p_policy, convoy.row_fields(p_op.tbl, v_row), v_row);
  if v_settled -> 'writes' <> '{}'::jsonb then
    v_row := convoy.update_record(p_op.tbl, (v_row ->> 'id')::bigint, v_settled -> 'writes');
  end if;
  if jsonb_array_length(v_settled -> 'conflicts') > 0 then
    return jsonb_build_object('seq', p_op.seq, 'status', 'conflict') || convoy.state(p_op.tbl, v_row)
      || jsonb_build_object('conflicts', v_settled -> 'conflicts');
  end if;
  v_status := case when (v_settled ->> 'othersChanged')::boolean then 'merged' else 'applied' end;
  return jsonb_build_object('seq', p_op.seq, 'status', v_status) || convoy.state(p_op.tbl, v_row);
end $$;

-- The answer for an op at or below the client's last applied sequence whose
-- result is no longer stored: the record's current state (a replica that
-- lost its state resending long-acknowledged ops), never applying it twice.
create function convoy.replay_missing(p_user uuid, p_op convoy.op) returns jsonb
language plpgsql volatile set search_path = '' as $$
declare
  v jsonb;
begin
  if p_op.rid is not null then v := convoy.find_record(p_op.tbl, p_user, p_op.rid); end if;
  if v is null then
    return jsonb_build_object('seq', p_op.seq, 'status', 'rejected', 'reason', 'already processed; its result is no longer stored');
  end if;
  return jsonb_build_object('seq', p_op.seq, 'status', 'applied') || convoy.state(p_op.tbl, v);
end $$;`;

function readOps(registry: Registry): string {
  const check = perTable(registry, 'x.tbl', (t) => `convoy.check_${ident(t.name)}(r.fields, x.kind = 'create')`, '            ');
  return `-- The ops of a (checked) batch, read once, in op order, each classified
-- (convoy.op): its fields checked, a record touched by more than one new op
-- marked slow.
create function convoy.read_ops(p_batch json, p_known bigint) returns convoy.op[]
language sql stable set search_path = '' as $$
  select coalesce(array_agg(row(d.i, d.seq, d.tbl, d.kind, d.rid, d.fields, d.raw, d.base, d.ctime, d.cls, d.reason)::convoy.op order by d.i), '{}')
  from (
    select c.i, c.seq, c.tbl, c.kind, c.rid, c.fields, c.raw, c.base, c.ctime, c.reason,
      case when c.cls = 'new' and count(*) filter (where c.cls = 'new') over (partition by c.tbl, c.rid) > 1 then 'slow' else c.cls end as cls
    from (
      select x.ord::integer as i, x.seq::bigint as seq, x.tbl, x.kind, r.rid, r.fields, x.fields as raw, x.base, x.ctime, p.reason,
        case when x.seq <= p_known then 'replay' when p.reason is null then 'new' else 'rejected' end as cls
      from rows from (json_to_recordset(p_batch -> 'ops') as (seq numeric, "table" text, kind text, "recordId" text, fields json,
          "baseVersion" numeric, "clientTime" numeric)) with ordinality as x (seq, tbl, kind, record_id, fields, base, ctime, ord)
      cross join lateral (select case when convoy.is_uuid(x.record_id) then x.record_id::uuid end as rid, x.fields::jsonb as fields) r
      cross join lateral (select case
          when x.seq <= p_known then null
          when r.rid is null then format('recordId %s is not a full lowercase UUID', to_json(x.record_id))
          else ${check} ->> 'message' end as reason) p
    ) c
  ) d
$$;`;
}

function convoyPush(registry: Registry): string {
  const fast = registry.map((t) => {
    const name = ident(t.name);
    return `  if exists (select 1 from unnest(v_ops) o where o.cls = 'new' and o.tbl = ${lit(t.name)}) then
    v_res := v_res || convoy.${name}_push(v_user, v_client, array(select o from unnest(v_ops) o where o.cls = 'new' and o.tbl = ${lit(t.name)}));
  end if;`;
  });
  return `-- Apply a replica's ops, in order, in this one transaction (Backend.push in
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
  v_ops convoy.op[];
  v_op convoy.op;
  v_res convoy.op_result[];
  v_policies jsonb;
begin
  batch := convoy.without_nul(batch);
  perform convoy.check_batch(batch);
  -- Read the batch's scalars once: each -> on json parses the whole text again.
  v_client := batch ->> 'clientId';
  v_policies := (batch -> 'policies')::jsonb;
  perform set_config('convoy.counter', convoy.lock_user(v_user)::text, true), set_config('convoy.counter_user', v_user::text, true),
    set_config('convoy.writer', v_client, true);
  select c.last_seq into v_known from convoy.clients c where c.user_id = v_user and c.client_id = v_client;
  delete from convoy.op_results r where r.user_id = v_user and r.client_id = v_client and r.seq < (batch -> 'ops' -> 0 ->> 'seq')::bigint;
  v_ops := convoy.read_ops(batch, coalesce(v_known, 0));
  -- Replays and rejections write nothing.
  v_res := array(
    select row(o.i, o.seq, case o.cls
        when 'rejected' then jsonb_build_object('seq', o.seq, 'status', 'rejected', 'reason', o.reason)
        else coalesce(r.result, convoy.replay_missing(v_user, o)) end)::convoy.op_result
    from unnest(v_ops) o
    left join convoy.op_results r on o.cls = 'replay' and r.user_id = v_user and r.client_id = v_client and r.seq = o.seq
    where o.cls in ('replay', 'rejected'));
  -- Records the batch touches once: set-based, per table. These statements
  -- stamp their rows themselves (the stamp trigger skips them).
  perform set_config('convoy.stamping', 'push', true);
${fast.join('\n')}
  perform set_config('convoy.stamping', '', true);
  -- The rest op by op, in op order: records touched more than once, and
  -- updates to settle (the null results of the set-based pass).
  for v_op in
    select o.* from unnest(v_ops) o
    where o.cls = 'slow' or o.i in (select r.i from unnest(v_res) r where r.result is null)
    order by o.i
  loop
    v_res := v_res || row(v_op.i, v_op.seq, convoy.apply_op(v_user, v_client, v_policies ->> v_op.tbl, v_op))::convoy.op_result;
  end loop;
  insert into convoy.op_results (user_id, client_id, seq, result)
  select v_user, v_client, r.seq, r.result from unnest(v_res) r where r.seq > coalesce(v_known, 0) and r.result is not null;
  v_last := (select max(o.seq) from unnest(v_ops) o);
  if v_last > coalesce(v_known, 0) then
    insert into convoy.clients as c (user_id, client_id, last_seq) values (v_user, v_client, v_last)
    on conflict (user_id, client_id) do update set last_seq = excluded.last_seq;
  end if;
  update convoy.counters c set value = current_setting('convoy.counter')::bigint
  where c.user_id = v_user and c.value < current_setting('convoy.counter')::bigint;
  perform set_config('convoy.writer', '', true), set_config('convoy.time', '', true), set_config('convoy.counter_user', '', true);
  return jsonb_build_object('results',
    (select coalesce(jsonb_agg(r.result order by r.i), '[]') from unnest(v_res) r where r.result is not null));
end $$;`;
}

export function pushSql(registry: Registry, fastPush: string[], plannedType: string): string {
  return [
    `-- Part 5: push (set-based for the common path; op by op where settlement needs it).`,
    plannedType,
    ...fastPush,
    SETTLE,
    readOps(registry),
    convoyPush(registry),
  ].join('\n\n');
}
