/**
 * `npm run dev:supabase`: the local Supabase server on its own, for trying
 * the CLI by hand. Prints the URL, the anon key and a session for user "dev";
 * runs until Ctrl-C. PORT picks the port; DATABASE_URL a PostgreSQL server
 * (a fresh database in it, dropped at exit) instead of in-memory PGlite.
 * Tokens are signed with the Supabase CLI's default local JWT secret, so they
 * stay valid across restarts; the data does not.
 */
import { startSupabaseServer } from './server.js';

const port = process.env.PORT === undefined ? undefined : Number(process.env.PORT);
const server = await startSupabaseServer({ port });
const { accessToken, refreshToken } = await server.session('dev');

console.log(`local Supabase server: ${server.url} (${server.db.kind})`);
console.log(`anon key: ${server.anonKey}`);
console.log(`access token for user "dev" (1 h): ${accessToken}`);
console.log(`refresh token: ${refreshToken}`);
console.log('');
console.log(`  convoy init --supabase ${server.url} --anon-key ${server.anonKey} --access-token ${accessToken} --refresh-token ${refreshToken}`);
console.log('or');
console.log(`  export CONVOY_SUPABASE_URL=${server.url}`);
console.log(`  export CONVOY_SUPABASE_ANON_KEY=${server.anonKey}`);
console.log(`  export CONVOY_SUPABASE_TOKEN=${accessToken}`);
console.log('');
console.log('Ctrl-C to stop (data is kept in memory only).');

const shutdown = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
