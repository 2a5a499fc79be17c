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

export const OTHERS_CHANGED = `-- settleUpdate's othersChanged: a field changed after p_base by another writer.
create or replace function convoy.others_changed(p_versions jsonb, p_writers jsonb, p_base numeric, p_client text) returns boolean
language sql immutable as $$
  select exists (select 1 from jsonb_each_text(p_versions) v
    where v.value::numeric > coalesce(p_base, 0) and (p_writers ->> v.key) is distinct from p_client)
$$;`;

const result = (seq: string, version: string, fields: string) =>
  `jsonb_build_object('seq', ${seq}, 'status', 'applied', 'version', ${version}, 'fields', ${fields})`;

/** convoy.<table>_push(user, client, ops): results of the ops it applied; null results for those to settle op by op. */
export function fastPushFunction(table: TableDecl): string {
  const name = ident(table.name);
  const fields = fieldsOf(table);
  const cols = fields.map(([, col]) => col).join(', ');
  const stamp = (value: string) => `jsonb_build_object(${fields.map(([field]) => `${lit(field)}, ${value}`).join(', ')})`;
  const created = fields.map(([field, , decl]) => createValue('n.fields', field, decl, 'v_now')).join(',\n      ');
  // The op's fields less those equal to the stored value (jsonb - text[] skips the nulls).
  const unchanged = `array[${fields.map(([field]) => `case when r.fields -> ${lit(field)} = r.cur -> ${lit(field)} then ${lit(field)} end`).join(', ')}]`;
  // settleUpdate's othersChanged: some field changed after the op's base by another writer.
  const othersChanged = fields
    .map(([field]) => `(coalesce((r.field_versions ->> ${lit(field)})::numeric, 0) > coalesce(r.b, 0) and (r.field_writers ->> ${lit(field)}) is distinct from p_client)`)
    .join('\n          or ');
  // Each written field mapped to value (never null: versions, writers, times).
  const written = (value: string) => `jsonb_strip_nulls(jsonb_build_object(${fields.map(([field]) => `${lit(field)}, case when n.w ? ${lit(field)} then ${value} end`).join(', ')}))`;
  const insertedWire = `jsonb_build_object(${fields.map(([field, , decl]) => `${lit(field)}, ${createValue('n.fields', field, decl, 'v_now')}`).join(', ')})`;
  const sets = fields.map(([field, col, decl]) => `${col} = case when n.w ? ${lit(field)} then ${fromWire('n.w', field, decl)} else t.${col} end`);
  return `-- Apply the new ${name} ops of a push whose records it touches once (see convoy_push).
create or replace function convoy.${name}_push(p_workspace uuid, p_client text, p_ops convoy.op[]) returns convoy.op_result[]
language plpgsql volatile set search_path = '' as $$
declare
  v_now double precision := floor(extract(epoch from clock_timestamp()) * 1000);
  v_out convoy.op_result[];
begin
  -- One statement: plan each op against its stored row, take versions for
  -- the ops that write (numbered in op order), insert, update, answer.
  -- A create of a record the server already has is an update that never saw
  -- a server version (base null). Nobody else changed the record since the
  -- op's base: its differing fields are written as they are (settleUpdate's
  -- plain apply); else it is settled op by op (a null result here).
  with o as materialized (
    select o.i, o.seq, o.kind, o.rid, o.fields, o.ctime, case when o.kind = 'update' then o.base end as b from unnest(p_ops) o
  ), r as materialized (
    -- LATERAL … LIMIT 1: one index lookup per op, whatever the statistics.
    select o.*, t.id as tid, t.version, t.field_versions, t.field_writers, t.cur
    from o left join lateral (
      select t.id, t.version, t.field_versions, t.field_writers, ${wireObject(table, (col) => `t.${col}`)} as cur
      from public.${name} t where t.workspace_id = p_workspace and t.record_id = o.rid limit 1
    ) t on true
  ), p as materialized (
    select r.i, r.seq, r.rid, r.fields, r.ctime::double precision as tm, r.tid, r.version, r.cur,
      case
        when r.tid is null then case when r.kind = 'create' then 'insert' else 'unknown' end
        when r.version > coalesce(r.b, 0) and (${othersChanged}) then 'slow'
        else 'update' end as cls,
      case when r.tid is not null then r.fields - ${unchanged} end as w
    from r
  ), n as materialized (
    -- The ops that write, numbered in op order. (Kinds are flags, not
    -- filters, here and above, so the planner's row estimates stay near the
    -- batch size and it looks rows up by key instead of scanning.)
    select p.*, case when p.cls = 'insert' or (p.cls = 'update' and p.w <> '{}') then
      count(*) filter (where p.cls = 'insert' or (p.cls = 'update' and p.w <> '{}')) over (order by p.i) end as k
    from p
  ), v as materialized (
    select convoy.take_versions(p_workspace, (select count(n.k)::integer from n)) - 1 as base, ${stamp('p_client')} as writers
  ), ins as (
    insert into public.${name} as t (workspace_id, record_id, ${cols}, version, field_versions, field_writers, field_times)
    select p_workspace, n.rid,
      ${created},
      v.base + n.k, ${stamp('v.base + n.k')}, v.writers, ${stamp('n.tm')}
    from n cross join v where n.cls = 'insert'
  ), upd as (
    update public.${name} as t set
      ${sets.join(',\n      ')},
      version = v.base + n.k,
      field_versions = t.field_versions || ${written('v.base + n.k')},
      field_writers = t.field_writers || ${written('p_client')},
      field_times = t.field_times || ${written('n.tm')}
    from n cross join v where t.id = n.tid and n.cls = 'update' and n.k is not null
    returning n.i, n.seq, t.*
  )
  -- An insert's answer is what it stored (the same typed values); an update's, the updated row.
  select array_agg(x.r) into v_out from (
    select row(n.i, n.seq, case
        when n.cls = 'unknown' then jsonb_build_object('seq', n.seq, 'status', 'rejected', 'reason', 'unknown record')
        when n.cls = 'insert' then ${result('n.seq', 'v.base + n.k', insertedWire)}
        when n.cls = 'update' then ${result('n.seq', 'n.version', 'n.cur')} end)::convoy.op_result as r
    from n cross join v where n.k is null or n.cls = 'insert'
    union all
    select row(u.i, u.seq, ${result('u.seq', 'u.version', wireObject(table, (col) => `u.${col}`))})::convoy.op_result
    from upd u
  ) x;
  return coalesce(v_out, '{}');
end $$;`;
}
