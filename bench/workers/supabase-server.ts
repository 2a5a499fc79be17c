/**
 * The local Supabase server in its own process for the bench's round-trip
 * section: on PGlite, or on a throwaway PostgreSQL cluster
 * (test/dev/servers/supabase/postgres.ts). Prints one line, `READY {json}` with
 * the URL, the anon key and an access token per user named in the input
 * (or `SKIPPED {json}` saying why there is no PostgreSQL), then serves until
 * SIGTERM, when it closes the server and the cluster.
 *
 * Input: { target: 'pglite' | 'postgres', users: string[] }. Run under tsx.
 */
import { startSupabaseServer } from '../../src/dev/servers/supabase/server.js';
import { findPostgres, startPostgresCluster, type PostgresCluster } from '../../test/dev/servers/supabase/postgres.js';

const input = JSON.parse(process.argv[2] ?? '{}') as { target: 'pglite' | 'postgres'; users: string[] };

let cluster: PostgresCluster | null = null;
if (input.target === 'postgres') {
  const install = findPostgres();
  if ('missing' in install) {
    console.log(`SKIPPED ${JSON.stringify({ skipped: install.missing })}`);
    process.exit(0);
  }
  cluster = await startPostgresCluster(install);
}
const server = await startSupabaseServer({ databaseUrl: cluster?.url ?? null });
const tokens = Object.fromEntries(await Promise.all(input.users.map(async (user) => [user, await server.mintToken(user, { ttlSeconds: 6 * 3600 })])));
console.log(`READY ${JSON.stringify({ url: server.url, anonKey: server.anonKey, tokens, kind: server.db.kind })}`);

process.once('SIGTERM', () => {
  void (async () => {
    await server.close();
    await cluster?.stop();
    process.exit(0);
  })();
});
