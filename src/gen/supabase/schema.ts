/**
 * Part 1 of the generated SQL: the convoy schema's bookkeeping tables and one
 * table per declaration, with its pull index, row-level security and
 * privileges. The stamping triggers come later (part 3: their functions
 * must exist first).
 */
import type { TableDecl } from '../../schema/declare.js';
import type { Registry } from '../../schema/registry.js';
import { columnDef, fieldsOf, ident, NOW_MS } from './sql.js';

const BOOKKEEPING = `-- Bookkeeping lives in schema convoy, which the Data API does not expose:
-- clients reach it only through the public convoy_* functions.
create schema if not exists convoy;
revoke all on schema convoy from public;
grant usage on schema convoy to authenticated, service_role;

-- One row per user: the last version handed out. Updated in the writing
-- transaction (never a sequence: see convoy.next_version).
create table if not exists convoy.counters (
  user_id uuid primary key references auth.users (id) on delete cascade,
  value bigint not null default 0 check (value >= 0)
);

-- One row per replica: the last op sequence applied (or permanently rejected).
create table if not exists convoy.clients (
  user_id uuid not null references auth.users (id) on delete cascade,
  client_id text not null,
  last_seq bigint not null,
  primary key (user_id, client_id)
);

-- Stored per-op results, so a replayed op gets the same answer: one row per
-- push that applied new ops, with the push's answer (results, in the order
-- of seqs); first_seq .. last_seq are its new ops' seqs, so the row holding
-- an op's first answer is the last one starting at or below its seq. Pruned
-- as the client moves on (every push deletes the rows wholly below its
-- first op).
create table if not exists convoy.op_results (
  user_id uuid not null references auth.users (id) on delete cascade,
  client_id text not null,
  first_seq bigint not null,
  last_seq bigint not null,
  seqs bigint[] not null,
  results jsonb not null,
  primary key (user_id, client_id, first_seq)
);

alter table convoy.counters enable row level security;
alter table convoy.clients enable row level security;
alter table convoy.op_results enable row level security;
drop policy if exists counters_own on convoy.counters;
create policy counters_own on convoy.counters for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists clients_own on convoy.clients;
create policy clients_own on convoy.clients for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists op_results_own on convoy.op_results;
create policy op_results_own on convoy.op_results for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
revoke all on table convoy.counters, convoy.clients, convoy.op_results from anon, public;
grant select, insert, update on table convoy.counters, convoy.clients to authenticated;
grant select, insert, delete on table convoy.op_results to authenticated;
grant all on table convoy.counters, convoy.clients, convoy.op_results to service_role;

-- What one op of a push is, once read (convoy.read_ops), and its answer.
-- cls: bad (malformed: the batch is refused), replay (seq at or below the
-- client's last), rejected (reason says why), new (applied set-based per
-- table) or slow (its record is touched more than once in the batch:
-- applied op by op, in order).
-- (Types have no "if not exists": a later migration finds them in place.)
do $$ begin
  create type convoy.op as (
    i integer, seq bigint, tbl text, kind text, rid uuid, fields jsonb,
    base numeric, ctime numeric, cls text, reason text
  );
  create type convoy.op_result as (i integer, seq bigint, result jsonb);
exception when duplicate_object then null;
end $$;`;

function syncedTable(table: TableDecl): string {
  const name = ident(table.name);
  const columns = fieldsOf(table).map(([, col, decl]) => `  ${columnDef(col, decl)},`);
  // A later migration finds the table in place: it gains the fields declared since.
  const added = fieldsOf(table).map(([, col, decl]) => `alter table public.${name} add column if not exists ${columnDef(col, decl)};`);
  return `create table if not exists public.${name} (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- Client-generated UUID: the same id on every replica and here.
  record_id uuid not null,
${columns.join('\n')}
  version bigint not null default 0,
  field_versions jsonb not null default '{}',
  field_writers jsonb not null default '{}',
  field_times jsonb not null default '{}',
  unique (user_id, record_id)
);
${added.join('\n')}
-- Pull pages by (user, version); versions are unique per user across tables.
create unique index if not exists ${name}_user_version_idx on public.${name} (user_id, version);
alter table public.${name} enable row level security;
drop policy if exists ${name}_select on public.${name};
create policy ${name}_select on public.${name} for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists ${name}_insert on public.${name};
create policy ${name}_insert on public.${name} for insert to authenticated
  with check (user_id = (select auth.uid()));
drop policy if exists ${name}_update on public.${name};
create policy ${name}_update on public.${name} for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
revoke all on table public.${name} from anon, public;
grant select, insert, update on table public.${name} to authenticated;
grant all on table public.${name} to service_role;`;
}

/** Bookkeeping, then every declared table. */
export function schemaSql(registry: Registry): string {
  return [
    `-- Part 1: tables, indexes, row-level security and privileges.
--
-- Synced tables hold, besides their fields, the bookkeeping field-level
-- conflict detection and cursor pulls need:
--   version         the per-user change counter value of the row's latest write
--                   (the pull cursor; see convoy.counters)
--   field_versions  field -> counter value of the write that last changed it
--   field_writers   field -> client id of the replica that wrote it, or 'web'
--   field_times     field -> writer's wall clock (ms); only last-write-wins reads it
-- Field names in those maps are the wire names (camelCase), as in the Convex
-- backend. Times are epoch milliseconds (double precision), as on the wire
-- (a time field with default 'now' defaults to ${NOW_MS}).
--
-- Every table is row-level secured by auth.uid(): a user sees and changes
-- only their own rows, whether through the functions or directly. No delete
-- policies: the protocol has no deletes. Supabase grants everything in
-- public to anon by default; each table takes that back.`,
    BOOKKEEPING,
    ...registry.map(syncedTable),
  ].join('\n\n');
}
