// `npm run smoke`: a black-box check of the main job, run with the built
// binary: capture while the backend is down, bring it up, sync, and assert
// with `convoy status --json` and `convoy list --json`.
//
// Against the local Convex server by default. With CONVOY_CONVEX_URL and
// CONVOY_CONVEX_TOKEN set, against that deployment instead (the "down" phase
// then points at a closed local port).
import { join } from 'node:path';
import { convoy, freePort, startLocalConvex, tempHome } from './lib/harness.mjs';

const home = tempHome('smoke');
const steps = [];
function check(label, ok, detail = '') {
  steps.push(label);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${ok ? '' : `\n     ${detail}`}`);
  if (!ok) process.exit(1);
}

const external = process.env.CONVOY_CONVEX_URL;
const port = await freePort();
const downUrl = `http://127.0.0.1:${external ? await freePort() : port}`;
let token = process.env.CONVOY_CONVEX_TOKEN;
if (!external) token = (await convoy(home, ['dev', 'token', '--user', `smoke-${Date.now()}`])).stdout.trim();
check('a token is available', Boolean(token), 'set CONVOY_CONVEX_TOKEN with CONVOY_CONVEX_URL');

// 1. Capture while the backend is unreachable.
const down = { env: { CONVOY_CONVEX_URL: downUrl, CONVOY_CONVEX_TOKEN: token } };
for (const title of ['Write the smoke test', 'Run it in CI', 'Ship']) {
  const added = await convoy(home, ['add', title, '--json'], down);
  check(`convoy add "${title}" while offline`, added.code === 0, added.stderr);
}
const offline = await convoy(home, ['sync'], down);
check('convoy sync while the backend is down exits 3', offline.code === 3, `exit ${offline.code}: ${offline.stderr}`);

// 2. Bring the backend up and sync.
const server = external ? null : await startLocalConvex(port, join(home, 'dev-keys'));
const up = { env: { CONVOY_CONVEX_URL: external ?? server.url, CONVOY_CONVEX_TOKEN: token } };
try {
  const synced = await convoy(home, ['sync', '--json'], up);
  check('convoy sync exits 0 once the backend is up', synced.code === 0, `exit ${synced.code}: ${synced.stderr}`);
  const summary = JSON.parse(synced.stdout);
  check('3 ops pushed, none failed', summary.pushed === 3 && summary.failed === 0, synced.stdout);

  const status = JSON.parse((await convoy(home, ['status', '--json'], up)).stdout);
  check('status: nothing pending or failed', status.pending === 0 && status.failed === 0 && status.conflicts === 0, JSON.stringify(status));
  check('status: initial sync done for every table', Object.values(status.tables).every((t) => t.initialSyncDone), JSON.stringify(status.tables));
  const tasks = JSON.parse((await convoy(home, ['list', '--all', '--json'], up)).stdout);
  check('list: all 3 tasks synced', tasks.filter((t) => t.syncStatus === 'synced').length === 3, JSON.stringify(tasks));

  // 3. A second replica sees them.
  const other = tempHome('smoke-b');
  const pulled = await convoy(other, ['sync', '--json'], up);
  const seen = JSON.parse((await convoy(other, ['list', '--all', '--json'], up)).stdout).map((t) => t.title);
  check('a second replica pulls the 3 tasks', pulled.code === 0 && ['Write the smoke test', 'Run it in CI', 'Ship'].every((t) => seen.includes(t)), seen.join(', '));
} finally {
  await server?.stop();
}
console.log(`\nsmoke: ${steps.length} passed, 0 failed`);
