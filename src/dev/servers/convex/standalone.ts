/**
 * `npm run dev:convex`: the local Convex server on its own, for trying the CLI
 * by hand. Prints the URL and a token for user "dev"; runs until Ctrl-C.
 * PORT picks the port; the dev key lives in CONVOY_DEV_KEY_DIR (default
 * .convoy-tmp/dev-keys), so tokens stay valid across restarts. Data does not:
 * it lives in memory.
 */
import { fileURLToPath } from 'node:url';
import { startConvexServer } from './server.js';

const keyDir = process.env.CONVOY_DEV_KEY_DIR ?? fileURLToPath(new URL('../../../../.convoy-tmp/dev-keys', import.meta.url));
const port = process.env.PORT === undefined ? undefined : Number(process.env.PORT);
const server = await startConvexServer({ port, keyDir });
const token = await server.mintToken('dev');

console.log(`local Convex server: ${server.url}`);
console.log(`token for user "dev": ${token}`);
console.log('');
console.log(`  export CONVOY_CONVEX_URL=${server.url}`);
console.log(`  export CONVOY_CONVEX_TOKEN=${token}`);
console.log('');
console.log('Ctrl-C to stop (data is kept in memory only).');

const shutdown = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
