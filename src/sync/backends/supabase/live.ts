/**
 * The Supabase backend's live feed, for the daemon: Supabase Realtime's
 * official client (`@supabase/realtime-js`, what supabase-js's `channel()`
 * uses) joined to a workspace's private broadcast topic `convoy:<workspace
 * id>` (the personal one's is `convoy:<user id>`). The generated SQL sends
 * one broadcast there, event `head` with payload `{ head }` (the
 * workspace's change counter and nothing else), after each
 * transaction that moves the counter: a push, a web write. Realtime lets a
 * socket join the topic only when the row-level security policy on
 * realtime.messages says this user may read it (the migration's
 * `convoy_head_signal`: members only), so no one hears a counter of a
 * workspace they are not in.
 *
 * Loaded only when the daemon subscribes: a one-shot `convoy sync` never
 * opens a socket or loads the client. Failure to connect is not an error:
 * the daemon keeps pulling on its interval, and the client reconnects and
 * rejoins on its own (each rejoin after the first asks for a pull, for what
 * may have been missed meanwhile).
 */
import { importLazy } from '../../../lazy-import.js';
import type { SupabaseSession } from './session.js';

export interface LiveFeed {
  /** Leave the channel and close the socket. Idempotent. */
  close(): void;
}

export interface LiveOptions {
  /** Project URL without a trailing slash (http or https). */
  url: string;
  anonKey: string;
  session: SupabaseSession;
  /** Called when the head may have moved: with the new head, or 0 after a rejoin. */
  onChange: (headVersion: number) => void;
  /** The workspace followed; absent: the user's personal one. */
  workspace?: string;
}

/** The Realtime topic of a workspace's head signal (the SQL's `'convoy:' || workspace_id`; a personal workspace's id is its user's id). */
export function headTopic(workspaceId: string): string {
  return `convoy:${workspaceId}`;
}

/** The user id (`sub`) of a Supabase access token, or null. */
export function tokenSubject(token: string | null): string | null {
  if (token === null) return null;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
  } catch {
    return null;
  }
}

/** Start following the user's head. Returns at once; the socket opens in the background. */
export function subscribeToHead(options: LiveOptions): LiveFeed {
  let closed = false;
  let stop: (() => void) | null = null;
  void (async () => {
    await options.session.ensureFresh().catch(() => undefined);
    const workspaceId = options.workspace ?? tokenSubject(options.session.accessToken);
    if (closed || workspaceId === null) return;
    const [{ RealtimeClient }, { default: ws }] = await Promise.all([
      importLazy<typeof import('@supabase/realtime-js')>('@supabase/realtime-js'),
      importLazy<typeof import('ws')>('ws'),
    ]);
    if (closed) return;
    const client = new RealtimeClient(`${options.url.replace(/^http/, 'ws')}/realtime/v1`, {
      params: { apikey: options.anonKey },
      // Node 20 has no global WebSocket.
      transport: ws as never,
      accessToken: async () => {
        await options.session.ensureFresh().catch(() => undefined);
        return options.session.accessToken;
      },
    });
    // The join carries the token only once the client holds it (its own setAuth runs asynchronously).
    await client.setAuth();
    if (closed) return void client.disconnect();
    let joined = 0;
    const channel = client
      .channel(headTopic(workspaceId), { config: { private: true } })
      .on('broadcast', { event: 'head' }, (message: { payload?: { head?: unknown } }) => {
        options.onChange(Number(message.payload?.head) || 0);
      })
      .subscribe((status) => {
        if (status === 'SUBSCRIBED' && joined++ > 0) options.onChange(0);
      });
    stop = () => {
      void client.removeChannel(channel).finally(() => void client.disconnect());
    };
  })().catch(() => undefined); // no feed: the daemon pulls on its interval
  return {
    close: () => {
      if (closed) return;
      closed = true;
      stop?.();
    },
  };
}
