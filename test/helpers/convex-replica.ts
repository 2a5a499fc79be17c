/** A replica in a temp CONVOY_HOME, `convoy init`-ed against a local Convex server, plus a web client for the same user. */
import { ConvexHttpClient } from 'convex/browser';
import { expect } from 'vitest';
import type { ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy } from './cli.js';
import { tempHome } from './replica.js';

export async function initialisedReplica(server: ConvexTestServer, user: string): Promise<{ home: string; web: ConvexHttpClient }> {
  const home = tempHome();
  const token = await server.mintToken(user);
  expect((await convoy(home, ['init', '--convex', server.url, '--token', token])).code).toBe(0);
  const web = new ConvexHttpClient(server.url, { logger: false });
  web.setAuth(token);
  return { home, web };
}
