/**
 * Part 4a of the generated SQL: workspaces (issue #16). Which workspace a
 * call acts on (convoy.workspace_of: the personal one, or one the caller is
 * a member of), the caller's name as their token gives it, the caller's
 * workspace list, and the functions that create workspaces and change their
 * members. The rules and messages mirror src/schema/server/workspaces.ts
 * (test/dev/servers/supabase/workspace-parity.test.ts compares them).
 *
 * Errors (see api.ts): 42501 forbidden (not a member, or not an owner),
 * 23505 exists (a name the caller already has), 22023 invalid.
 */
import { MAX_WORKSPACE_NAME, PERSONAL_WORKSPACE_NAME } from '../../schema/protocol.js';
import { PERSONAL_NOT_SHARED } from '../../schema/server/workspaces.js';
import { lit } from './sql.js';

const PERSONAL = lit(PERSONAL_WORKSPACE_NAME);
/** String.prototype.trim's whitespace, as a PostgreSQL class (the one convoy.check_text uses). */
const TRIMMED = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

const CALLER = `-- The workspace a call names (p_workspace: an id as text), checked: null or
-- absent is the caller's personal workspace (its id is the user's id); any
-- other must be one the caller is a member of, else 42501 (forbidden), and
-- nothing is applied. Reads convoy.members under its row-level security.
create or replace function convoy.workspace_of(p_workspace text) returns uuid
language plpgsql stable set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
begin
  if p_workspace is null or p_workspace = v_user::text then return v_user; end if;
  if convoy.is_uuid(p_workspace)
     and exists (select 1 from convoy.members m where m.workspace_id = p_workspace::uuid and m.user_id = v_user) then
    return p_workspace::uuid;
  end if;
  raise exception using errcode = '42501', detail = 'forbidden', message = format('not a member of workspace %s', p_workspace);
end $$;

-- The caller's display name from their token: the name claim, else email,
-- else user_metadata.name; null when none.
create or replace function convoy.my_name() returns text
language sql stable set search_path = '' as $$
  select coalesce(nullif(auth.jwt() ->> 'name', ''), nullif(auth.jwt() ->> 'email', ''), nullif(auth.jwt() #>> '{user_metadata,name}', ''))
$$;

-- Remember the caller's name (convoy.users), so members see it. Writes only
-- when it changed, and never waits: while another call of the same user is
-- writing it (the try-lock), this one leaves it to that one. Returns the
-- caller's id.
create or replace function convoy.remember_me() returns uuid
language plpgsql volatile set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
  v_name text := convoy.my_name();
begin
  if not exists (select 1 from convoy.users u where u.user_id = v_user and u.name is not distinct from v_name)
     and pg_try_advisory_xact_lock(hashtextextended('convoy.users:' || v_user::text, 0)) then
    insert into convoy.users as u (user_id, name) values (v_user, v_name)
    on conflict (user_id) do update set name = excluded.name;
  end if;
  return v_user;
end $$;

-- The caller and their workspaces (WorkspaceList): the personal one first,
-- then the others by name (then id).
create or replace function convoy.workspace_list() returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'user', jsonb_build_object('userId', convoy.require_user(), 'name', convoy.my_name()),
    'workspaces', jsonb_build_array(jsonb_build_object('id', auth.uid(), 'name', ${PERSONAL}, 'role', 'owner', 'personal', true))
      || coalesce((select jsonb_agg(jsonb_build_object('id', w.id, 'name', w.name, 'role', m.role, 'personal', false)
                     order by w.name collate "C", w.id)
                   from convoy.members m join convoy.workspaces w on w.id = m.workspace_id
                   where m.user_id = auth.uid()), '[]'))
$$;

-- The members of a workspace (MemberInfo[]), by user id; a personal
-- workspace's only member is its user, named by their token.
create or replace function convoy.member_list(p_workspace uuid) returns jsonb
language sql stable set search_path = '' as $$
  select case when p_workspace = auth.uid()
    then jsonb_build_array(jsonb_build_object('userId', auth.uid(), 'role', 'owner', 'name', convoy.my_name()))
    else coalesce((select jsonb_agg(jsonb_build_object('userId', m.user_id, 'role', m.role, 'name', u.name) order by m.user_id::text collate "C")
      from convoy.members m left join convoy.users u on u.user_id = m.user_id where m.workspace_id = p_workspace), '[]')
  end
$$;

-- The caller's role in p_workspace (a shared one), or null when not a member.
create or replace function convoy.my_role(p_workspace text) returns text
language sql stable set search_path = '' as $$
  select case when convoy.is_uuid(lower(p_workspace)) then
    (select m.role from convoy.members m where m.workspace_id = lower(p_workspace)::uuid and m.user_id = auth.uid()) end
$$;

-- A shared workspace's name (the caller is a member).
create or replace function convoy.workspace_name(p_workspace uuid) returns text
language sql stable set search_path = '' as $$
  select w.name from convoy.workspaces w where w.id = p_workspace
$$;

-- requireOwner: the caller may change p_workspace's members: not the
-- personal one (22023), a member (else 42501), an owner (else 42501,
-- saying what is refused: p_what). Returns the workspace id.
create or replace function convoy.require_owner(p_workspace text, p_what text) returns uuid
language plpgsql stable set search_path = '' as $$
declare
  v_user uuid := convoy.require_user();
  v_role text := convoy.my_role(p_workspace);
begin
  if p_workspace = v_user::text then
    raise exception using errcode = '22023', detail = 'invalid', message = ${lit(PERSONAL_NOT_SHARED)};
  end if;
  if v_role is null then
    raise exception using errcode = '42501', detail = 'forbidden', message = format('not a member of workspace %s', p_workspace);
  end if;
  if v_role <> 'owner' then
    raise exception using errcode = '42501', detail = 'forbidden',
      message = format('only an owner of workspace %s can %s', convoy.workspace_name(lower(p_workspace)::uuid), p_what);
  end if;
  return lower(p_workspace)::uuid;
end $$;

-- Refuse a change that leaves p_workspace without an owner (22023): p_user
-- is its only owner and stops being one.
create or replace function convoy.require_other_owner(p_workspace uuid, p_user uuid) returns void
language plpgsql stable set search_path = '' as $$
begin
  if exists (select 1 from convoy.members m where m.workspace_id = p_workspace and m.user_id = p_user and m.role = 'owner')
     and not exists (select 1 from convoy.members m where m.workspace_id = p_workspace and m.user_id <> p_user and m.role = 'owner') then
    raise exception using errcode = '22023', detail = 'invalid',
      message = format('workspace %s would have no owner; make another member an owner first', convoy.workspace_name(p_workspace));
  end if;
end $$;`;

const RPCS = `-- The caller's identity and workspaces (Backend.listWorkspaces).
create or replace function public.convoy_workspaces() returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
begin
  perform convoy.remember_me();
  return convoy.workspace_list();
end $$;

-- checkWorkspaceName: why p_name cannot name a workspace ({field, message}), or null.
create or replace function convoy.check_workspace_name(p_name text) returns jsonb
language sql immutable as $$
  select coalesce(
    (select convoy.problem(p.field, 'workspace ' || (p.message))
     from jsonb_to_record(convoy.check_text('name', to_jsonb(p_name), true, ${MAX_WORKSPACE_NAME}, false, true)) as p (field text, message text)
     where p.message is not null),
    case when lower(regexp_replace(p_name, '^${TRIMMED}+|${TRIMMED}+$', '', 'g')) = ${PERSONAL}
      then convoy.problem('name', ${lit(`workspace name "${PERSONAL_WORKSPACE_NAME}" is taken by your personal workspace; choose another`)}) end)
$$;

-- Create a workspace named p_name with the caller as its owner
-- (Backend.createWorkspace); the id is made here. Returns WorkspaceInfo.
-- Not idempotent: a name the caller already has a workspace of (compared
-- case-insensitively) is refused.
create or replace function public.convoy_create_workspace(p_name text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_user uuid := convoy.remember_me();
  v_problem jsonb := convoy.check_workspace_name(p_name);
  v_id uuid := gen_random_uuid();
begin
  if v_problem is not null then
    raise exception using errcode = '22023', detail = 'invalid', message = v_problem ->> 'message', column = 'name';
  end if;
  -- One creation at a time per user, so two cannot both take a name.
  perform pg_advisory_xact_lock(hashtextextended('convoy.create_workspace:' || v_user::text, 0));
  if exists (select 1 from convoy.members m join convoy.workspaces w on w.id = m.workspace_id
             where m.user_id = v_user and lower(w.name) = lower(p_name)) then
    raise exception using errcode = '23505', detail = 'exists', message = format('you already have a workspace named %s; choose another name', p_name);
  end if;
  insert into convoy.workspaces (id, name, created_by) values (v_id, p_name, v_user);
  insert into convoy.members (workspace_id, user_id, role) values (v_id, v_user, 'owner');
  return jsonb_build_object('id', v_id, 'name', p_name, 'role', 'owner', 'personal', false);
end $$;

-- The members of p_workspace (Backend.listMembers); members only.
create or replace function public.convoy_members(p_workspace text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(p_workspace);
begin
  perform convoy.remember_me();
  return convoy.member_list(v_ws);
end $$;

-- Make p_user a member of p_workspace with p_role, or change their role
-- (Backend.addMember). Owners only; never the personal workspace; never
-- demoting the last owner. Idempotent. Returns the members.
create or replace function public.convoy_add_member(p_workspace text, p_user text, p_role text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_ws uuid;
begin
  perform convoy.remember_me();
  v_ws := convoy.require_owner(p_workspace, 'change its members');
  if p_user is null or btrim(p_user) = '' or char_length(p_user) > 200 then
    raise exception using errcode = '22023', detail = 'invalid', column = 'userId',
      message = 'userId must be a user id (the token subject), 1 to 200 characters';
  end if;
  if p_role is null or p_role not in ('owner', 'member') then
    raise exception using errcode = '22023', detail = 'invalid', column = 'role',
      message = format('role %s is not one of owner, member', coalesce(to_jsonb(p_role)::text, 'null'));
  end if;
  -- Supabase user ids (auth.uid()) are UUIDs: no other id can ever call.
  if not convoy.is_uuid(lower(p_user)) then
    raise exception using errcode = '22023', detail = 'invalid', column = 'userId',
      message = format('userId %s is not a Supabase user id (a UUID)', p_user);
  end if;
  -- Member changes of one workspace one at a time: the last-owner rule holds.
  perform convoy.lock_workspace(v_ws);
  if p_role <> 'owner' then perform convoy.require_other_owner(v_ws, lower(p_user)::uuid); end if;
  insert into convoy.members as m (workspace_id, user_id, role) values (v_ws, lower(p_user)::uuid, p_role)
  on conflict (workspace_id, user_id) do update set role = excluded.role where m.role <> excluded.role;
  return convoy.member_list(v_ws);
end $$;

-- Take p_user out of p_workspace (Backend.removeMember): owners remove
-- anyone, anyone removes themself (leaving; again: nothing to do); never
-- the last owner, never the personal workspace. Idempotent. Returns the
-- members afterwards (empty when the caller left).
create or replace function public.convoy_remove_member(p_workspace text, p_user text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_user uuid := convoy.remember_me();
  v_leaving boolean := p_user = v_user::text;
  v_role text := convoy.my_role(p_workspace);
  v_ws uuid;
begin
  if p_workspace = v_user::text then
    raise exception using errcode = '22023', detail = 'invalid', message = 'a personal workspace has no other members and cannot be left';
  end if;
  if v_role is null then
    if v_leaving then return '[]'; end if;
    raise exception using errcode = '42501', detail = 'forbidden', message = format('not a member of workspace %s', p_workspace);
  end if;
  v_ws := lower(p_workspace)::uuid;
  if not v_leaving and v_role <> 'owner' then
    raise exception using errcode = '42501', detail = 'forbidden',
      message = format('only an owner of workspace %s can remove other members', convoy.workspace_name(v_ws));
  end if;
  if convoy.is_uuid(lower(p_user)) then
    perform convoy.lock_workspace(v_ws);
    perform convoy.require_other_owner(v_ws, lower(p_user)::uuid);
    delete from convoy.members m where m.workspace_id = v_ws and m.user_id = lower(p_user)::uuid;
  end if;
  return case when v_leaving then '[]'::jsonb else convoy.member_list(v_ws) end;
end $$;`;

export function workspacesSql(): string {
  return [`-- Part 4a: workspaces: access, names, members.`, CALLER, RPCS].join('\n\n');
}

/** The workspace functions clients call, as GRANTS lists them. */
export const WORKSPACE_FUNCTIONS = [
  'public.convoy_workspaces()',
  'public.convoy_create_workspace(text)',
  'public.convoy_members(text)',
  'public.convoy_add_member(text, text, text)',
  'public.convoy_remove_member(text, text)',
];
