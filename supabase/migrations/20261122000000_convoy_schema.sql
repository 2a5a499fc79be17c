-- convoy, part 1 of 4: tables, indexes, row-level security and privileges.
--
-- Synced tables (public.tasks, public.projects) hold, besides their fields,
-- the bookkeeping field-level conflict detection and cursor pulls need:
--   version         the per-user change counter value of the row's latest write
--                   (the pull cursor; see convoy.counters)
--   field_versions  field -> counter value of the write that last changed it
--   field_writers   field -> client id of the replica that wrote it, or 'web'
--   field_times     field -> writer's wall clock (ms); only last-write-wins reads it
-- Field names in those maps are the wire names (camelCase), as in the Convex
-- backend. Times are epoch milliseconds (double precision), as on the wire.
--
-- Bookkeeping lives in schema convoy, which the Data API does not expose:
-- clients reach it only through the public convoy_* functions.
--
-- Every table is row-level secured by auth.uid(): a user sees and changes
-- only their own rows, whether through the functions or directly.

create schema if not exists convoy;
revoke all on schema convoy from public;
grant usage on schema convoy to authenticated, service_role;

-- One row per user: the last version handed out. Updated in the writing
-- transaction (never a sequence: see convoy.next_version in part 2).
create table convoy.counters (
  user_id uuid primary key references auth.users (id) on delete cascade,
  value bigint not null default 0 check (value >= 0)
);

-- One row per replica: the last op sequence applied (or permanently rejected).
create table convoy.clients (
  user_id uuid not null references auth.users (id) on delete cascade,
  client_id text not null,
  last_seq bigint not null,
  primary key (user_id, client_id)
);

-- Stored per-op results, so a replayed op gets the same answer. Pruned as the
-- client moves on (every push deletes those below its first op).
create table convoy.op_results (
  user_id uuid not null references auth.users (id) on delete cascade,
  client_id text not null,
  seq bigint not null,
  result jsonb not null,
  primary key (user_id, client_id, seq)
);

create table public.tasks (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- Client-generated UUID: the same id on every replica and here.
  record_id uuid not null,
  title text not null,
  description text,
  status text not null default 'todo',
  stage text,
  project_id uuid,
  parent_id uuid,
  completed_at double precision,
  created_at double precision not null default floor(extract(epoch from clock_timestamp()) * 1000),
  version bigint not null default 0,
  field_versions jsonb not null default '{}',
  field_writers jsonb not null default '{}',
  field_times jsonb not null default '{}',
  unique (user_id, record_id)
);
-- Pull pages by (user, version); versions are unique per user across tables.
create unique index tasks_user_version_idx on public.tasks (user_id, version);

create table public.projects (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  record_id uuid not null,
  name text not null,
  description text,
  created_at double precision not null default floor(extract(epoch from clock_timestamp()) * 1000),
  version bigint not null default 0,
  field_versions jsonb not null default '{}',
  field_writers jsonb not null default '{}',
  field_times jsonb not null default '{}',
  unique (user_id, record_id)
);
create unique index projects_user_version_idx on public.projects (user_id, version);

-- Row-level security: own rows only. `(select auth.uid())` is evaluated once
-- per statement instead of once per row. No delete policies: the protocol has
-- no deletes (a canceled task is hidden, not removed).
alter table convoy.counters enable row level security;
alter table convoy.clients enable row level security;
alter table convoy.op_results enable row level security;
alter table public.tasks enable row level security;
alter table public.projects enable row level security;

create policy counters_own on convoy.counters for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy clients_own on convoy.clients for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy op_results_own on convoy.op_results for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy tasks_select on public.tasks for select to authenticated
  using (user_id = (select auth.uid()));
create policy tasks_insert on public.tasks for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy tasks_update on public.tasks for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy projects_select on public.projects for select to authenticated
  using (user_id = (select auth.uid()));
create policy projects_insert on public.projects for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy projects_update on public.projects for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Privileges: Supabase grants everything in public to anon by default; take
-- that back. Signed-in users read and write their rows (RLS decides which);
-- the bookkeeping columns are the server's (the trigger in part 2 overwrites them).
revoke all on table public.tasks, public.projects from anon, public;
revoke all on table convoy.counters, convoy.clients, convoy.op_results from anon, public;
grant select, insert, update on table public.tasks, public.projects to authenticated;
grant select, insert, update on table convoy.counters, convoy.clients to authenticated;
grant select, insert, delete on table convoy.op_results to authenticated;
grant all on table public.tasks, public.projects to service_role;
grant all on table convoy.counters, convoy.clients, convoy.op_results to service_role;
