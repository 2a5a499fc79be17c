/**
 * The set-based half of convoy_push, generated per table: the new ops of one
 * table whose records the batch touches once are planned against the stored
 * rows in one query, then applied with one INSERT (creates of new records)
 * and one UPDATE (updates nobody else changed since their base, and creates
 * of records this replica wrote alone), stamping versions, writers and times
 * themselves. Ops that need settling come back with a null result for the
 * op by op path (push.ts).
 */
import type { TableDecl } from '../../schema/declare.js';
import { createValue, fieldsOf, fromWire, ident, lit, wireObject } from './sql.js';

export const PLANNED_TYPE = `-- One new op of a table planned against its stored row (convoy.<table>_push).
-- cls: insert, update (w: the fields whose value differs), unknown (an
-- update of a record the server does not have) or slow (settled op by op).
create type convoy.planned as (
  i integer, seq bigint, rid uuid, fields jsonb, ctime numeric, tid bigint, version bigint, cur jsonb, cls text, w jsonb
);

-- The fields of p_fields whose value differs from p_cur's.
create function convoy.changed_fields(p_fields jsonb, p_cur jsonb) returns jsonb
language sql immutable as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}') from jsonb_each(p_fields) e
  where coalesce(p_cur -> e.key, 'null') <> e.value
$$;

-- settleUpdate's othersChanged: a field changed after p_base by another writer.
create function convoy.others_changed(p_versions jsonb, p_writers jsonb, p_base numeric, p_client text) returns boolean
language sql immutable as $$
  select exists (select 1 from jsonb_each_text(p_versions) v
    where v.value::numeric > coalesce(p_base, 0) and (p_writers ->> v.key) is distinct from p_client)
$$;

-- Every key of p_object mapped to p_value.
create function convoy.each_key(p_object jsonb, p_value jsonb) returns jsonb
language sql immutable as $$
  select coalesce(jsonb_object_agg(k, p_value), '{}') from jsonb_object_keys(p_object) k
$$;`;

const result = (seq: string, version: string, fields: string) =>
  `jsonb_build_object('seq', ${seq}, 'status', 'applied', 'version', ${version}, 'fields', ${fields})`;

/** convoy.<table>_push(user, client, ops): results of the ops it applied; null results for those to settle op by op. */
export function fastPushFunction(table: TableDecl): string {
  const name = ident(table.name);
  const fields = fieldsOf(table);
  const cols = fields.map(([, col]) => col).join(', ');
  const stamp = (value: string) => `jsonb_build_object(${fields.map(([field]) => `${lit(field)}, ${value}`).join(', ')})`;
  const created = fields.map(([field, , decl]) => createValue('s.fields', field, decl, 'v_now')).join(',\n        ');
  const sets = fields.map(([field, col, decl]) => `${col} = case when s.w ? ${lit(field)} then ${fromWire('s.w', field, decl)} else t.${col} end`);
  return `-- Apply the new ${name} ops of a push whose records it touches once (see convoy_push).
create function convoy.${name}_push(p_user uuid, p_client text, p_ops convoy.op[]) returns convoy.op_result[]
language plpgsql volatile set search_path = '' as $$
declare
  v_now double precision := floor(extract(epoch from clock_timestamp()) * 1000);
  v_plan convoy.planned[];
  v_out convoy.op_result[];
  v_more convoy.op_result[];
  v_count integer;
  v_first bigint;
begin
  -- A create of a record the server already has is an update that never saw
  -- a server version (base null). Nobody else changed the record since the
  -- op's base: its differing fields are written as they are (settleUpdate's
  -- plain apply); else it is settled op by op.
  v_plan := array(
    select row(o.i, o.seq, o.rid, o.fields, o.ctime, t.id, t.version, c.cur,
      case
        when t.id is null then case when o.kind = 'create' then 'insert' else 'unknown' end
        when t.version > coalesce(b.base, 0) and convoy.others_changed(t.field_versions, t.field_writers, b.base, p_client) then 'slow'
        else 'update' end,
      case when t.id is not null then convoy.changed_fields(o.fields, c.cur) end)::convoy.planned
    from unnest(p_ops) o
    cross join lateral (select case when o.kind = 'update' then o.base end as base) b
    left join public.${name} t on t.user_id = p_user and t.record_id = o.rid
    cross join lateral (select ${wireObject(table, (col) => `t.${col}`)} as cur) c
    order by o.i);
  v_out := array(
    select row(p.i, p.seq, case p.cls
        when 'unknown' then jsonb_build_object('seq', p.seq, 'status', 'rejected', 'reason', 'unknown record')
        when 'update' then ${result('p.seq', 'p.version', 'p.cur')} end)::convoy.op_result
    from unnest(v_plan) p where p.cls in ('unknown', 'slow') or (p.cls = 'update' and p.w = '{}'));

  select count(*) into v_count from unnest(v_plan) p where p.cls = 'insert';
  if v_count > 0 then
    v_first := convoy.take_versions(p_user, v_count);
    with s as (
      select p.*, v_first + row_number() over (order by p.i) - 1 as v, p.ctime::double precision as tm
      from unnest(v_plan) p where p.cls = 'insert'
    ), ins as (
      insert into public.${name} as t (user_id, record_id, ${cols}, version, field_versions, field_writers, field_times)
      select p_user, s.rid,
        ${created},
        s.v, ${stamp('s.v')}, ${stamp('p_client')}, ${stamp('s.tm')}
      from s
      returning t.*
    )
    select array_agg(row(s.i, s.seq, ${result('s.seq', 'ins.version', wireObject(table, (col) => `ins.${col}`))})::convoy.op_result)
    into v_more from ins join s on s.rid = ins.record_id;
    v_out := v_out || v_more;
  end if;

  select count(*) into v_count from unnest(v_plan) p where p.cls = 'update' and p.w <> '{}';
  if v_count > 0 then
    v_first := convoy.take_versions(p_user, v_count);
    with s as (
      select p.*, v_first + row_number() over (order by p.i) - 1 as v, p.ctime::double precision as tm
      from unnest(v_plan) p where p.cls = 'update' and p.w <> '{}'
    ), upd as (
      update public.${name} as t set
        ${sets.join(',\n        ')},
        version = s.v,
        field_versions = t.field_versions || convoy.each_key(s.w, to_jsonb(s.v)),
        field_writers = t.field_writers || convoy.each_key(s.w, to_jsonb(p_client)),
        field_times = t.field_times || convoy.each_key(s.w, to_jsonb(s.tm))
      from s where t.id = s.tid
      returning s.i, s.seq, t.*
    )
    select array_agg(row(u.i, u.seq, ${result('u.seq', 'u.version', wireObject(table, (col) => `u.${col}`))})::convoy.op_result)
    into v_more from upd u;
    v_out := v_out || v_more;
  end if;
  return v_out;
end $$;`;
}
