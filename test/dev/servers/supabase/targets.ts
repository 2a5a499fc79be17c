/**
 * The databases a local Supabase server test runs on: PGlite, and a
 * throwaway PostgreSQL 15 cluster (or DATABASE_URL's) when one is installed;
 * `skip` says why the PostgreSQL target is left out otherwise.
 */
import { startSupabaseServer } from '../../../../src/dev/servers/supabase/server.js';
import { findPostgres, startPostgresCluster, type PostgresCluster } from './postgres.js';

const install = process.env.DATABASE_URL ? null : findPostgres();
const missing = install !== null && 'missing' in install ? install.missing : null;

export const SUPABASE_TARGETS = [
  { name: 'PGlite', skip: null, start: async () => ({ server: await startSupabaseServer({ databaseUrl: null }), cluster: null }) },
  {
    name: 'PostgreSQL',
    skip: missing,
    start: async () => {
      const cluster: PostgresCluster | null = install !== null && !('missing' in install) ? await startPostgresCluster(install) : null;
      return { server: await startSupabaseServer({ databaseUrl: cluster?.url ?? process.env.DATABASE_URL }), cluster };
    },
  },
];
