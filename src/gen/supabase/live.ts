/**
 * Part 6 of the generated SQL: the live feed (src/sync/backends/supabase/live.ts
 * is the client half). Each time a user's change counter moves — once at the
 * end of a push, once per row a web write stamps — one Supabase Realtime
 * broadcast goes to the user's private topic `convoy:<user id>`: event
 * `head`, payload `{ head }`, the counter and nothing else (no row data), and
 * Realtime delivers it when the transaction commits. A row-level security
 * policy on realtime.messages lets a signed-in user join only their own
 * topic (Realtime checks it when a private channel is joined).
 *
 * Realtime's `realtime.send` inserts with the caller's rights and swallows a
 * refusal, so the trigger function is security definer (run as the
 * migration's owner, who may insert). Where Realtime is not installed (no
 * realtime.send: a bare PostgreSQL) the trigger is left out and clients poll.
 */
export const LIVE_SQL = `-- Part 6: the live feed (a Realtime broadcast of the head, per user, when it moves).

create or replace function convoy.signal_head() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.value = 0 or (tg_op = 'UPDATE' and new.value = old.value) then return null; end if;
  perform realtime.send(jsonb_build_object('head', new.value), 'head', 'convoy:' || new.user_id::text, true);
  return null;
end $$;

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
    using (extension = 'broadcast' and (select realtime.topic()) = 'convoy:' || (select auth.uid())::text);
end $$;`;
