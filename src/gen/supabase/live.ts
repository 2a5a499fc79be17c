/**
 * Part 6 of the generated SQL: the live feed (src/sync/backends/supabase/live.ts
 * is the client half). Each time a workspace's change counter moves — once at
 * the end of a push, once per row a web write stamps — one Supabase Realtime
 * broadcast goes to the workspace's private topic `convoy:<workspace id>`
 * (a personal workspace's id is its user's id): event `head`, payload
 * `{ head }`, the counter and nothing else (no row data), and Realtime
 * delivers it when the transaction commits. A row-level security policy on
 * realtime.messages lets a signed-in user join only the topics of their
 * personal workspace and of the workspaces they are a member of (Realtime
 * checks it when a private channel is joined).
 *
 * Realtime's `realtime.send` inserts with the caller's rights and swallows a
 * refusal, so the trigger function is security definer (run as the
 * migration's owner, who may insert). Where Realtime is not installed (no
 * realtime.send: a bare PostgreSQL) the trigger is left out and clients poll.
 */
export const LIVE_SQL = `-- Part 6: the live feed (a Realtime broadcast of the head, per workspace, when it moves).

create or replace function convoy.signal_head() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.value = 0 or (tg_op = 'UPDATE' and new.value = old.value) then return null; end if;
  perform realtime.send(jsonb_build_object('head', new.value), 'head', 'convoy:' || new.workspace_id::text, true);
  return null;
end $$;

-- May the caller hear topic p_topic: convoy:<a workspace they may read>.
create or replace function convoy.may_hear(p_topic text) returns boolean
language sql stable set search_path = '' as $$
  select case when p_topic like 'convoy:%' and convoy.is_uuid(substr(p_topic, 8))
    then convoy.is_member(substr(p_topic, 8)::uuid) else false end
$$;

do $$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    drop trigger if exists convoy_signal_head on convoy.counters;
    return;
  end if;
  create or replace trigger convoy_signal_head after insert or update of value on convoy.counters
    for each row execute function convoy.signal_head();
  drop policy if exists convoy_head_signal on realtime.messages;
  create policy convoy_head_signal on realtime.messages for select to authenticated
    using (extension = 'broadcast' and convoy.may_hear((select realtime.topic())));
end $$;`;
