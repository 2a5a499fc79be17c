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

-- Workspaces, the scope of sync (issue #16). Each user's personal workspace
-- has no row here: its id is the user's id and its only member the user.
-- Other workspaces get a server-made id; their members are in
-- convoy.members (role owner or member). Both are reached only through the
-- convoy_* workspace functions, under the row-level security below.
create table if not exists convoy.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_by uuid not null,
  created_at timestamptz not null default now()
);
-- A member is named by user id (a CI service user too); no foreign key to
-- auth.users, so an owner may add someone who has not signed in yet.
create table if not exists convoy.members (
  workspace_id uuid not null references convoy.workspaces (id) on delete cascade,
  user_id uuid not null,
  role text not null check (role in ('owner', 'member')),
  primary key (workspace_id, user_id)
);
create index if not exists members_user_idx on convoy.members (user_id);
-- Display names, remembered from each user's token (claim name, else email)
-- whenever they call a function that writes (convoy.remember_me).
create table if not exists convoy.users (
  user_id uuid primary key,
  name text
);

-- Membership, for the policies: SECURITY DEFINER only so that the policies
-- of convoy.members can ask about convoy.members without recursing into
-- themselves. They answer one yes/no about the caller and return no data.
create or replace function convoy.is_member(p_workspace uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_workspace = auth.uid()
    or exists (select 1 from convoy.members m where m.workspace_id = p_workspace and m.user_id = auth.uid())
$$;
create or replace function convoy.is_owner(p_workspace uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select p_workspace = auth.uid()
    or exists (select 1 from convoy.members m where m.workspace_id = p_workspace and m.user_id = auth.uid() and m.role = 'owner')
$$;
-- The caller made this workspace and it has no member yet (its creation).
create or replace function convoy.is_founding(p_workspace uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from convoy.workspaces w where w.id = p_workspace and w.created_by = auth.uid())
    and not exists (select 1 from convoy.members m where m.workspace_id = p_workspace)
$$;

-- One row per workspace: the last version handed out. Updated in the writing
-- transaction (never a sequence: see convoy.next_version).
create table if not exists convoy.counters (
  workspace_id uuid primary key,
  value bigint not null default 0 check (value >= 0)
);

-- One row per replica and workspace: the last op sequence applied (or
-- permanently rejected), and the user pushing from it (who wrote what a
-- conflict reports as remote).
create table if not exists convoy.clients (
  workspace_id uuid not null,
  client_id text not null,
  last_seq bigint not null,
  user_id uuid,
  primary key (workspace_id, client_id)
);

-- Stored per-op results, so a replayed op gets the same answer: one row per
-- push that applied new ops, with the push's answer (results, in the order
-- of seqs); first_seq .. last_seq are its new ops' seqs, so the row holding
-- an op's first answer is the last one starting at or below its seq. Pruned
-- as the client moves on (every push deletes the rows wholly below its
-- first op).
create table if not exists convoy.op_results (
  workspace_id uuid not null,
  client_id text not null,
  first_seq bigint not null,
  last_seq bigint not null,
  seqs bigint[] not null,
  results jsonb not null,
  primary key (workspace_id, client_id, first_seq)
);

-- Before workspaces, these were per user (user_id): a user's rows become
-- their personal workspace's (its id is the user id), so renaming the
-- column moves them. A client's pusher was that user.
do $$
declare
  t text;
begin
  foreach t in array array['counters', 'clients', 'op_results'] loop
    if exists (select 1 from information_schema.columns c where c.table_schema = 'convoy' and c.table_name = t and c.column_name = 'user_id')
       and not exists (select 1 from information_schema.columns c where c.table_schema = 'convoy' and c.table_name = t and c.column_name = 'workspace_id') then
      execute format('alter table convoy.%I drop constraint if exists %I', t, t || '_user_id_fkey');
      execute format('alter table convoy.%I rename column user_id to workspace_id', t);
    end if;
  end loop;
end $$;
alter table convoy.clients add column if not exists user_id uuid;
update convoy.clients set user_id = workspace_id where user_id is null;

alter table convoy.workspaces enable row level security;
alter table convoy.members enable row level security;
alter table convoy.users enable row level security;
alter table convoy.counters enable row level security;
alter table convoy.clients enable row level security;
alter table convoy.op_results enable row level security;
drop policy if exists workspaces_member on convoy.workspaces;
create policy workspaces_member on convoy.workspaces for select to authenticated using (convoy.is_member(id));
drop policy if exists workspaces_create on convoy.workspaces;
create policy workspaces_create on convoy.workspaces for insert to authenticated with check (created_by = (select auth.uid()));
-- Members see their workspaces' members; owners add, change and remove
-- them; anyone may remove themself; a workspace's creator adds themself as
-- its first owner. (The last-owner rule is convoy_remove_member's and
-- convoy_add_member's.)
drop policy if exists members_select on convoy.members;
create policy members_select on convoy.members for select to authenticated using (convoy.is_member(workspace_id));
drop policy if exists members_insert on convoy.members;
create policy members_insert on convoy.members for insert to authenticated
  with check (convoy.is_owner(workspace_id) or (user_id = (select auth.uid()) and role = 'owner' and convoy.is_founding(workspace_id)));
drop policy if exists members_update on convoy.members;
create policy members_update on convoy.members for update to authenticated
  using (convoy.is_owner(workspace_id)) with check (convoy.is_owner(workspace_id));
drop policy if exists members_delete on convoy.members;
create policy members_delete on convoy.members for delete to authenticated
  using (convoy.is_owner(workspace_id) or user_id = (select auth.uid()));
-- A user's name: theirs to write; seen by them and by members of a workspace they are in.
drop policy if exists users_select on convoy.users;
create policy users_select on convoy.users for select to authenticated
  using (user_id = (select auth.uid()) or exists (select 1 from convoy.members m where m.user_id = users.user_id));
drop policy if exists users_write on convoy.users;
create policy users_write on convoy.users for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists counters_own on convoy.counters;
drop policy if exists counters_member on convoy.counters;
create policy counters_member on convoy.counters for all to authenticated
  using (convoy.is_member(workspace_id)) with check (convoy.is_member(workspace_id));
drop policy if exists clients_own on convoy.clients;
drop policy if exists clients_member on convoy.clients;
create policy clients_member on convoy.clients for all to authenticated
  using (convoy.is_member(workspace_id)) with check (convoy.is_member(workspace_id));
drop policy if exists op_results_own on convoy.op_results;
drop policy if exists op_results_member on convoy.op_results;
create policy op_results_member on convoy.op_results for all to authenticated
  using (convoy.is_member(workspace_id)) with check (convoy.is_member(workspace_id));
revoke all on table convoy.workspaces, convoy.members, convoy.users, convoy.counters, convoy.clients, convoy.op_results from anon, public;
grant select, insert on table convoy.workspaces to authenticated;
grant select, insert, update, delete on table convoy.members to authenticated;
grant select, insert, update on table convoy.users, convoy.counters, convoy.clients to authenticated;
grant select, insert, delete on table convoy.op_results to authenticated;
grant all on table convoy.workspaces, convoy.members, convoy.users, convoy.counters, convoy.clients, convoy.op_results to service_role;

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
  const member = `workspace_id = (select auth.uid()) or convoy.is_member(workspace_id)`;
  return `create table if not exists public.${name} (
  id bigint generated always as identity primary key,
  -- Who created the row.
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- The workspace it belongs to (a personal workspace's id is its user's id).
  workspace_id uuid not null default auth.uid(),
  -- Client-generated UUID: the same id on every replica and here.
  record_id uuid not null,
${columns.join('\n')}
  version bigint not null default 0,
  field_versions jsonb not null default '{}',
  field_writers jsonb not null default '{}',
  field_times jsonb not null default '{}'
);
${added.join('\n')}
-- Rows from before workspaces move into their user's personal workspace.
alter table public.${name} add column if not exists workspace_id uuid;
update public.${name} set workspace_id = user_id where workspace_id is null;
alter table public.${name} alter column workspace_id set not null, alter column workspace_id set default auth.uid();
-- Record ids are unique per workspace; pull pages by (workspace, version):
-- versions are unique per workspace across tables.
alter table public.${name} drop constraint if exists ${name}_user_id_record_id_key;
create unique index if not exists ${name}_workspace_record_idx on public.${name} (workspace_id, record_id);
drop index if exists public.${name}_user_version_idx;
create unique index if not exists ${name}_workspace_version_idx on public.${name} (workspace_id, version);
alter table public.${name} enable row level security;
drop policy if exists ${name}_select on public.${name};
create policy ${name}_select on public.${name} for select to authenticated
  using (${member});
drop policy if exists ${name}_insert on public.${name};
create policy ${name}_insert on public.${name} for insert to authenticated
  with check (user_id = (select auth.uid()) and (${member}));
drop policy if exists ${name}_update on public.${name};
create policy ${name}_update on public.${name} for update to authenticated
  using (${member}) with check (${member});
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
--   workspace_id    the workspace the row belongs to (see convoy.workspaces)
--   version         the workspace's change counter value of the row's latest write
--                   (the pull cursor; see convoy.counters)
--   field_versions  field -> counter value of the write that last changed it
--   field_writers   field -> client id of the replica that wrote it, or 'web'
--   field_times     field -> writer's wall clock (ms); only last-write-wins reads it
-- Field names in those maps are the wire names (camelCase), as in the Convex
-- backend. Times are epoch milliseconds (double precision), as on the wire
-- (a time field with default 'now' defaults to ${NOW_MS}).
--
-- Every table is row-level secured by membership: a user sees and changes
-- only the rows of their personal workspace (workspace_id = auth.uid()) and
-- of the workspaces they are a member of, whether through the functions or
-- directly. No delete
-- policies: the protocol has no deletes. Supabase grants everything in
-- public to anon by default; each table takes that back.`,
    BOOKKEEPING,
    ...registry.map(syncedTable),
  ].join('\n\n');
}
