/**
 * The backend contract against Convex: always against the local Convex
 * server (src/dev/servers/convex), and against a real deployment when
 * CONVOY_CONVEX_URL and CONVOY_CONVEX_TOKEN are set (CONVOY_CONVEX_TOKEN_B, a
 * second user's token, enables the user-isolation case). With a real local
 * backend (`npx convex dev --local`, http://127.0.0.1:3210 by default):
 *
 *   npx convex dev --local --once    # creates the deployment (the auth config needs the
 *                                    # two variables below: set them, then run it again)
 *   npx convex env set CONVOY_JWT_ISSUER https://dev.convoy.invalid
 *   npx convex env set CONVOY_JWT_JWKS "$(convoy dev token --jwks)"
 *   npx convex dev --local --once    # now deploys convex/
 *   CONVOY_CONVEX_URL=http://127.0.0.1:3210 \
 *   CONVOY_CONVEX_TOKEN="$(convoy dev token --user alice)" \
 *   CONVOY_CONVEX_TOKEN_B="$(convoy dev token --user bob)" \
 *     npx vitest run test/sync/backend-contract.convex.test.ts
 *
 * (In CI, prefix the first command with CONVEX_AGENT_MODE=anonymous.)
 */
import { ConvexHttpClient } from 'convex/browser';
import { describe } from 'vitest';
import { api } from '../../convex/_generated/api.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import type { Fields } from '../../src/schema/protocol.js';
import { startConvexServer } from '../../src/dev/servers/convex/server.js';
import { describeBackendContract, type Harness } from './backend-contract.js';

function convexHarness(url: string, tokenFor: (user: string) => Promise<string>, badToken: () => Promise<string>, close: () => Promise<void>): Harness {
  const web = async (user: string) => {
    const client = new ConvexHttpClient(url, { logger: false });
    client.setAuth(await tokenFor(user));
    return client;
  };
  return {
    backend: async (user) => createConvexBackend({ url, token: await tokenFor(user) }),
    invalidBackend: async () => createConvexBackend({ url, token: await badToken() }),
    webCreateTask: async (user, recordId, fields: Fields, workspace) => {
      await (await web(user)).mutation(api.web.create, { table: 'tasks', recordId, fields, ...(workspace === undefined ? {} : { workspace }) });
    },
    webUpdateTask: async (user, recordId, fields: Fields, workspace) => {
      await (await web(user)).mutation(api.web.update, { table: 'tasks', recordId, fields, ...(workspace === undefined ? {} : { workspace }) });
    },
    close,
  };
}

describeBackendContract('convex, local server', async () => {
  const server = await startConvexServer();
  return convexHarness(server.url, (user) => server.mintToken(user), () => server.mintToken('alice', { ttlSeconds: -60 }), server.close);
});

const realUrl = process.env.CONVOY_CONVEX_URL;
const realTokens: Record<string, string | undefined> = {
  alice: process.env.CONVOY_CONVEX_TOKEN,
  bob: process.env.CONVOY_CONVEX_TOKEN_B,
};
describe.skipIf(!realUrl || !realTokens.alice)('real deployment (set CONVOY_CONVEX_URL and CONVOY_CONVEX_TOKEN)', () => {
  const tokenFor = async (user: string) => {
    const token = realTokens[user];
    if (!token) throw new Error(`no token for ${user}: set CONVOY_CONVEX_TOKEN${user === 'bob' ? '_B' : ''}`);
    return token;
  };
  // A well-formed token with a broken signature: the deployment must refuse it.
  const badToken = async () => `${(await tokenFor('alice')).replace(/\.[^.]*$/, '')}.AAAA`;
  describeBackendContract('convex, CONVOY_CONVEX_URL', async () => convexHarness(realUrl!, tokenFor, badToken, async () => {}), {
    secondUser: Boolean(realTokens.bob),
    // The workspace cases need four users' tokens; a real deployment gives two.
    workspaces: false,
  });
});
