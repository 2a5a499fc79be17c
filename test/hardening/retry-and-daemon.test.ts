import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { tempHome } from '../helpers/replica.js';
import { startFaultProxy } from '../torture/fault-proxy.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a connection dropped mid-sync', () => {
  it.each([
    ['the answer is cut after the server applied the push', { kind: 'cut-response', bytes: 40 }],
    ['the request is cut on its way', { kind: 'cut-request', bytes: 100 }],
    ['the connection is reset', { kind: 'reset' }],
  ] as const)('is retried once at once, not reported offline: %s', async (_name, fault) => {
    const proxy = await startFaultProxy(server.url);
    try {
      const home = tempHome();
      const env = { CONVOY_CONVEX_URL: proxy.url, CONVOY_CONVEX_TOKEN: await server.mintToken(`drop-${fault.kind}`) };
      for (const title of ['one', 'two', 'three']) expect((await convoy(home, ['add', title], { env })).code).toBe(0);
      proxy.inject(fault);
      const synced = await convoy(home, ['sync', '--json'], { env });
      expect(synced.code, synced.stderr).toBe(0);
      expect(proxy.pending()).toBe(0);
      expect(JSON.parse(synced.stdout)).toMatchObject({ pushed: 3, failed: 0 });
      const again = await convoy(tempHome(), ['sync', '--json'], { env });
      expect(JSON.parse(again.stdout)).toMatchObject({ pulled: 3 }); // applied once, not twice
    } finally {
      await proxy.close();
    }
  });

  it('still reports offline (exit 3) when the second attempt fails too', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const home = tempHome();
      const env = { CONVOY_CONVEX_URL: proxy.url, CONVOY_CONVEX_TOKEN: await server.mintToken('drop-twice') };
      expect((await convoy(home, ['add', 'one'], { env })).code).toBe(0);
      proxy.inject(...Array(10).fill({ kind: 'cut-request', bytes: 10 })); // (a reset at accept time may be retried inside the HTTP client)
      const synced = await convoy(home, ['sync'], { env });
      expect(synced.code, synced.stderr).toBe(3);
      expect(10 - proxy.pending()).toBeGreaterThanOrEqual(2); // it did try again
    } finally {
      await proxy.close();
    }
  });
});

/** A server refusing every credential (401), counting the requests it gets. */
async function refusingServer(): Promise<{ url: string; requests: () => number; server: Server }> {
  let count = 0;
  const http = createServer((_req, res) => {
    count++;
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Unauthenticated', message: 'token refused' }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, requests: () => count, server: http };
}

/** `home` (default: a new one) with a Convex URL and token in its config files. */
async function configuredHome(url: string, token: string, home = tempHome()): Promise<string> {
  expect((await convoy(home, ['config', 'set', 'convex.url', url])).code).toBe(0);
  expect((await convoy(home, ['config', 'set', 'convex.token', token])).code).toBe(0);
  return home;
}

describe('the daemon', () => {
  it('with a refused token says how to fix it once and waits for SIGHUP instead of hammering the server', async () => {
    const refusing = await refusingServer();
    try {
      const home = await configuredHome(refusing.url, 'forged.token.value');
      expect((await convoy(home, ['add', 'queued'])).code).toBe(0);
      const daemon = startDaemon(home, [], { intervalS: 1 });
      await daemon.waitFor('auth');
      const afterFirst = refusing.requests();
      await sleep(3_000); // three pull intervals, and many backoff periods
      expect(daemon.events.filter((e) => e.event === 'auth')).toHaveLength(1);
      expect(daemon.events.filter((e) => e.event === 'error' || e.event === 'offline')).toHaveLength(0);
      expect(refusing.requests()).toBe(afterFirst);
      daemon.child.kill('SIGHUP');
      const reload = await daemon.waitFor('reload');
      await daemon.waitFor('auth', 10_000, (e) => daemon.events.indexOf(e) > daemon.events.indexOf(reload));
      await sleep(500);
      expect(refusing.requests()).toBeGreaterThan(afterFirst);
      expect(daemon.events.filter((e) => e.event === 'reload')).toHaveLength(1); // one SIGHUP, logged once
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    } finally {
      refusing.server.close();
    }
  });

  it('tries again when the config file changes', async () => {
    const refusing = await refusingServer();
    try {
      const home = await configuredHome(refusing.url, 'forged.token.value');
      const daemon = startDaemon(home, [], { intervalS: 1 });
      await daemon.waitFor('auth');
      await configuredHome(server.url, await server.mintToken('fixed'), home);
      expect((await convoy(home, ['add', 'after the fix'])).code).toBe(0);
      await daemon.waitFor('sync', 15_000, (e) => Number(e.pushed) >= 1);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    } finally {
      refusing.server.close();
    }
  });
});
