/**
 * The local Supabase server's Realtime broadcast channels, through the
 * official supabase-js client (its realtime-js over a real WebSocket): a
 * user joins their private head topic (`convoy:<user id>`, allowed by the
 * generated policy on realtime.messages) and hears the generated signal
 * after each push and each web write, carrying the head and nothing else;
 * another user may not join that topic; a public channel of the same name
 * hears nothing; a bad apikey gets no socket; a shared workspace's topic
 * (`convoy:<workspace id>`) is joined by its members only and hears its pushes. On PGlite and on real
 * PostgreSQL (NOTIFY is heard on a connection of its own there; skipped,
 * saying why, without PostgreSQL binaries or DATABASE_URL).
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { newId, OpSeq, taskFields } from '../../../sync/contract-helpers.js';
import type { SupabaseTestServer } from '../../../../src/dev/servers/supabase/server.js';
import type { PostgresCluster } from './postgres.js';
import { SUPABASE_TARGETS } from './targets.js';
import { supabaseWebClient } from './web-client.js';
import { createSupabaseBackend } from '../../../../src/sync/backends/supabase/index.js';
import { until } from '../../../helpers/until.js';


let server: SupabaseTestServer;
const clients: SupabaseClient[] = [];

/** A signed-in client whose Realtime socket already holds the token (supabase-js sets it asynchronously: a join before that goes as anon). */
const clientFor = async (token: string) => {
  const client = createClient(server.url, server.anonKey, { accessToken: async () => token, realtime: { transport: ws as never } });
  clients.push(client);
  await client.realtime.setAuth(token);
  return client;
};

/** Join `name` (private unless said otherwise); resolves with the channel and what it heard, or rejects with the join error. */
function join(client: SupabaseClient, name: string, isPrivate = true): Promise<{ channel: RealtimeChannel; heard: unknown[] }> {
  const heard: unknown[] = [];
  return new Promise((resolve, reject) => {
    const channel = client
      .channel(name, { config: { private: isPrivate } })
      .on('broadcast', { event: '*' }, (message) => heard.push(message))
      .subscribe((status, error) => {
        if (status === 'SUBSCRIBED') resolve({ channel, heard });
        if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
      });
  });
}

describe.each(SUPABASE_TARGETS)('local Supabase server on $name: Realtime broadcast', ({ skip, start }) => {
  let cluster: PostgresCluster | null = null;
  beforeAll(async () => {
    if (skip === null) ({ server, cluster } = await start());
  }, 60_000);
  afterAll(async () => {
    for (const client of clients.splice(0)) await client.removeAllChannels();
    await server?.close();
    await cluster?.stop();
  });

  it.skipIf(skip !== null)(`tells a user their new head after each push and web write, on their private topic only${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    const token = await server.mintToken('rt-alice');
    const client = await clientFor(token);
    const own = await join(client, `convoy:${server.userId('rt-alice')}`);
    const open = await join(await clientFor(token), `convoy:${server.userId('rt-alice')}`, false);
    expect(server.joinedChannels()).toBe(2);

    const ops = new OpSeq();
    const { error } = await client.rpc('convoy_push', { batch: ops.batch([ops.create(newId(), taskFields('one')), ops.create(newId(), taskFields('two'))]) });
    expect(error).toBeNull();
    await until(() => own.heard.length === 1, 5_000, 'the push signal');
    expect(own.heard[0]).toEqual({ type: 'broadcast', event: 'head', payload: { head: 2 } });

    await supabaseWebClient(server.url, server.anonKey, token).createTask(newId(), { title: 'from the web' });
    await until(() => own.heard.length === 2, 5_000, 'the web write signal');
    expect(own.heard[1]).toEqual({ type: 'broadcast', event: 'head', payload: { head: 3 } });
    // Private broadcasts reach private channels only.
    expect(open.heard).toEqual([]);
  });

  it.skipIf(skip !== null)('refuses another user’s topic, and a socket without a valid apikey', async () => {
    const bob = await clientFor(await server.mintToken('rt-bob'));
    await expect(join(bob, `convoy:${server.userId('rt-alice')}`)).rejects.toThrow(/Unauthorized: You do not have permissions to read from this Channel topic/);
    await expect(join(bob, `convoy:${server.userId('rt-bob')}`)).resolves.toMatchObject({ heard: [] });
    const refused = await new Promise<number>((resolve) => {
      const socket = new ws(`${server.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=wrong&vsn=2.0.0`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
  });

  it.skipIf(skip !== null)('signals a shared workspace on its own topic, which members join and others may not', async () => {
    const owner = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken('rt-owner') });
    const team = await owner.createWorkspace('Live');
    await owner.addMember(team.id, server.userId('rt-member'), 'member');
    const heads: number[] = [];
    const member = createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: await server.mintToken('rt-member') });
    const before = server.joinedChannels();
    const unsubscribe = member.subscribe!((head) => heads.push(head), team.id);
    try {
      await until(() => server.joinedChannels() > before, 5_000, 'the member joining');
      const outsider = await clientFor(await server.mintToken('rt-outsider'));
      await expect(join(outsider, `convoy:${team.id}`)).rejects.toThrow(/Unauthorized/);
      const ops = new OpSeq();
      await owner.push({ ...ops.batch([ops.create(newId(), taskFields('live'))]), workspace: team.id });
      await until(() => heads.includes(1), 5_000, 'the workspace signal');
    } finally {
      unsubscribe();
      await member.close();
      await owner.close();
    }
  });
});
