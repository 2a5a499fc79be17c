/**
 * Live pull: `convoy sync --watch` follows the server's head over the Convex
 * sync WebSocket (the official ConvexClient against the local server), so a
 * web edit reaches the replica within ~2 s although the pull interval is
 * 60 s; against a server without WebSocket support it stays quiet and pulls
 * on its interval. Then the adapter's feed in process: what it fires, what
 * close() releases, and hostile servers that must not make it retry or throw.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConvexHttpClient } from 'convex/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { api } from '../../convex/_generated/api.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { initialisedReplica } from '../helpers/convex-replica.js';
import { until } from '../helpers/until.js';

let live: ConvexTestServer;
let plain: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  [live, plain] = await Promise.all([startConvexServer(), startConvexServer({ webSocket: false })]);
});
afterAll(async () => {
  await Promise.all([live?.close(), plain?.close()]);
});

const initialised = initialisedReplica;

const webCreate = (web: ConvexHttpClient, title: string) =>
  web.mutation(api.web.create, { table: 'tasks', recordId: randomUUID(), fields: { title } });

/** Milliseconds until a task titled `title` is in the replica (read by `convoy list`). */
async function inReplica(home: string, title: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const tasks = JSON.parse((await convoy(home, ['list', '--json'])).stdout) as { title: string }[];
    if (tasks.some((t) => t.title === title)) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`"${title}" did not reach the replica within ${timeoutMs} ms`);
}

describe('convoy sync --watch: live pull', () => {
  it('pulls a web edit within 2 s over the live subscription, though the interval is 60 s', async () => {
    const { home, web } = await initialised(live, 'live-pull-a');
    const daemon = startDaemon(home, [], { intervalS: 60 });
    await daemon.waitFor('start');
    // Subscribed after its first sync; the first answer (head 0) has been delivered by then.
    await until(() => live.subscribedQueries() === 1, 10_000, 'the daemon subscribes to pull:head');
    await sleep(300);

    await webCreate(web, 'edited on the web');
    expect(await inReplica(home, 'edited on the web', 2_000)).toBeLessThan(2_000);
    await daemon.waitFor('sync', 1_000, (e) => e.pulled === 1);
    // The client is silent: stderr holds the daemon's JSON log and nothing else.
    expect(daemon.events.filter((e) => e.event === 'text')).toEqual([]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });

  it('pulls on its interval, quietly, from a server without WebSocket support', async () => {
    const { home, web } = await initialised(plain, 'live-pull-b');
    const daemon = startDaemon(home, [], { intervalS: 2 });
    await daemon.waitFor('start');
    await sleep(500); // past the first cycle, where the live feed was tried and refused

    await webCreate(web, 'pulled on the interval');
    expect(await inReplica(home, 'pulled on the interval', 5_000)).toBeLessThan(5_000);
    await daemon.waitFor('sync', 1_000, (e) => e.pulled === 1);
    expect(daemon.events.filter((e) => e.event === 'text' || e.event === 'error')).toEqual([]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });
});

/** A raw HTTP server (and optionally a WebSocket server on it), counting upgrade attempts. */
async function rawServer(onSocket?: (ws: import('ws').WebSocket) => void): Promise<{ url: string; upgrades: () => number; close(): Promise<void> }> {
  let upgrades = 0;
  const server: Server = createServer((req, res) => {
    if (req.headers.upgrade) upgrades++;
    res.writeHead(404).end();
  });
  const wss = onSocket ? new WebSocketServer({ server }) : null;
  wss?.on('connection', (ws) => {
    upgrades++;
    onSocket!(ws);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upgrades: () => upgrades,
    close: async () => {
      for (const ws of wss?.clients ?? []) ws.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('Convex backend live feed', () => {
  it('reports the head and each change, and close() releases the socket', async () => {
    const token = await live.mintToken('live-feed-a');
    const backend = createConvexBackend({ url: live.url, token });
    const heads: number[] = [];
    backend.subscribe!((head) => heads.push(head));
    await until(() => heads.length === 1, 5_000, 'the first head');
    const web = new ConvexHttpClient(live.url, { logger: false });
    web.setAuth(token);
    await webCreate(web, 'one');
    await until(() => heads.length === 2, 2_000, 'the next head');
    expect(heads).toEqual([0, 1]);
    expect(live.subscribedQueries()).toBeGreaterThanOrEqual(1);
    const before = live.subscribedQueries();
    await backend.close();
    await until(() => live.subscribedQueries() === before - 1, 2_000, 'the socket to close');
  });

  it('gives up on a refused token rather than running unauthenticated', async () => {
    const server = await startConvexServer();
    try {
      const backend = createConvexBackend({ url: server.url, token: `${await server.mintToken('live-feed-b')}x` });
      const heads: number[] = [];
      backend.subscribe!((head) => heads.push(head));
      // The client, left alone, would reconnect without auth and hold a failing pull:head.
      await sleep(1_500);
      expect(server.subscribedQueries()).toBe(0);
      expect(heads).toEqual([]);
      await backend.close();
    } finally {
      await server.close();
    }
  });

  it('tries a server that refuses the WebSocket upgrade once, then stays quiet', async () => {
    const server = await rawServer();
    try {
      const backend = createConvexBackend({ url: server.url, token: 'a.b.c' });
      const heads: number[] = [];
      backend.subscribe!((head) => heads.push(head));
      // The client's own retry would come within 1.5 s, and again within 3 s more.
      await sleep(3_500);
      expect(server.upgrades()).toBe(1);
      expect(heads).toEqual([]);
      await backend.close();
    } finally {
      await server.close();
    }
  });

  it('survives a FatalError (which the client throws from its socket handler) and stops', async () => {
    const server = await rawServer((ws) => setTimeout(() => ws.send(JSON.stringify({ type: 'FatalError', error: 'boom' })), 50));
    try {
      const backend = createConvexBackend({ url: server.url, token: 'a.b.c' });
      backend.subscribe!(() => undefined);
      await sleep(2_000); // an uncaught exception would fail this file
      expect(server.upgrades()).toBe(1);
      await backend.close();
    } finally {
      await server.close();
    }
  });
});
