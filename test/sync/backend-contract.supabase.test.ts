/**
 * The backend contract against Supabase: always against the local Supabase
 * server (src/dev/servers/supabase: the migrations in PGlite, or in the
 * PostgreSQL server named by DATABASE_URL; test/dev/servers/supabase/
 * concurrency.test.ts races real connections); and against a real project when
 * CONVOY_SUPABASE_URL, CONVOY_SUPABASE_ANON_KEY and CONVOY_SUPABASE_TOKEN are
 * set (CONVOY_SUPABASE_TOKEN_B, a second user's access token, enables the
 * user-isolation case):
 *
 *   supabase db push                 # applies supabase/migrations to the linked project
 *   CONVOY_SUPABASE_URL=https://<ref>.supabase.co \
 *   CONVOY_SUPABASE_ANON_KEY=<anon key> \
 *   CONVOY_SUPABASE_TOKEN=<alice's access token> CONVOY_SUPABASE_TOKEN_B=<bob's> \
 *     npx vitest run test/sync/backend-contract.supabase.test.ts
 */
import { describe, vi } from 'vitest';
import { createSupabaseBackend } from '../../src/sync/backends/supabase/index.js';
import { startSupabaseServer } from '../../src/dev/servers/supabase/server.js';
import { supabaseWebClient } from '../dev/servers/supabase/web-client.js';
import { describeBackendContract, type Harness } from './backend-contract.js';

interface Project {
  url: string;
  anonKey: string;
  tokenFor(user: string): Promise<string>;
  /** A token the project must refuse. */
  badToken(): Promise<string>;
  close(): Promise<void>;
}

function supabaseHarness(project: Project): Harness {
  const web = async (user: string) => supabaseWebClient(project.url, project.anonKey, await project.tokenFor(user));
  return {
    backend: async (user) => createSupabaseBackend({ url: project.url, anonKey: project.anonKey, accessToken: await project.tokenFor(user) }),
    invalidBackend: async () => createSupabaseBackend({ url: project.url, anonKey: project.anonKey, accessToken: await project.badToken() }),
    webCreateTask: async (user, recordId, fields, workspace) => void (await (await web(user)).create('tasks', recordId, fields, workspace)),
    webUpdateTask: async (user, recordId, fields, workspace) => void (await (await web(user)).update('tasks', recordId, fields, workspace)),
    close: project.close,
  };
}

async function localProject(): Promise<Project> {
  const server = await startSupabaseServer();
  return {
    url: server.url,
    anonKey: server.anonKey,
    tokenFor: (user) => server.mintToken(user),
    badToken: () => server.mintToken('alice', { ttlSeconds: -60 }),
    close: () => server.close(),
  };
}

// PGlite is PostgreSQL compiled to WebAssembly: the 2,500-record case takes
// seconds on its own and more on a busy CI machine than the default 30 s allows.
vi.setConfig({ testTimeout: 120_000 });

describeBackendContract(
  `supabase, local server (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'PGlite'})`,
  async () => supabaseHarness(await localProject()),
);

const real = {
  url: process.env.CONVOY_SUPABASE_URL,
  anonKey: process.env.CONVOY_SUPABASE_ANON_KEY,
  tokens: { alice: process.env.CONVOY_SUPABASE_TOKEN, bob: process.env.CONVOY_SUPABASE_TOKEN_B } as Record<string, string | undefined>,
};
describe.skipIf(!real.url || !real.anonKey || !real.tokens.alice)(
  'real project (set CONVOY_SUPABASE_URL, CONVOY_SUPABASE_ANON_KEY and CONVOY_SUPABASE_TOKEN)',
  () => {
    const tokenFor = async (user: string) => {
      const token = real.tokens[user];
      if (!token) throw new Error(`no token for ${user}: set CONVOY_SUPABASE_TOKEN${user === 'bob' ? '_B' : ''}`);
      return token;
    };
    // A well-formed token with a broken signature: the project must refuse it.
    const badToken = async () => `${(await tokenFor('alice')).replace(/\.[^.]*$/, '')}.AAAA`;
    describeBackendContract(
      'supabase, CONVOY_SUPABASE_URL',
      async () => supabaseHarness({ url: real.url!, anonKey: real.anonKey!, tokenFor, badToken, close: async () => {} }),
      // The workspace cases need four users' tokens; a real project gives two.
      { secondUser: Boolean(real.tokens.bob), workspaces: false },
    );
  },
);
