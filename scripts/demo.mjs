// `npm run demo`: convoy's main job end to end, for a newcomer. A local
// Convex server, two replicas of one user (a laptop and a desktop), offline
// capture, sync, a conflict and its resolution; then a team: a shared
// workspace, a teammate's task and a CI user's edit arriving on the laptop.
// Every step prints the command and what it printed.
import { join } from 'node:path';
import { convoy, freePort, startLocalConvex, tempHome } from './lib/harness.mjs';

const laptop = tempHome('demo-laptop');
const desktop = tempHome('demo-desktop');
const teammate = tempHome('demo-bob');
const ci = tempHome('demo-ci');
const port = await freePort();
const url = `http://127.0.0.1:${port}`;

async function run(who, home, args, note) {
  if (note) console.log(`\n# ${note}`);
  const result = await convoy(home, args);
  const shown = args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  console.log(`${who}$ convoy ${shown}`);
  const text = `${result.stdout}${result.stderr}`.trimEnd();
  if (text) console.log(text.replace(/^/gm, '    '));
  if (result.code !== 0) console.log(`    (exit ${result.code})`);
  return result;
}

console.log('convoy demo: one user, two replicas (laptop, desktop), then a team workspace with a teammate and a CI user; a local Convex server.');
const token = (await convoy(laptop, ['dev', 'token', '--user', 'demo'])).stdout.trim();
for (const home of [laptop, desktop]) await convoy(home, ['init', '--convex', url, '--token', token]);

await run('laptop', laptop, ['add', 'Book the venue', '--stage', 'planning'], 'On a train, no network: capture works anyway.');
const { stdout } = await run('laptop', laptop, ['add', 'Draft the agenda', '--json']);
const agenda = JSON.parse(stdout).id;
await run('laptop', laptop, ['sync'], 'Sync fails politely (exit 3): nothing is lost, the ops stay queued.');
await run('laptop', laptop, ['status']);

const server = await startLocalConvex(port, join(laptop, 'dev-keys'));
try {
  await run('laptop', laptop, ['sync'], 'Back online: the queue drains.');
  await run('desktop', desktop, ['sync'], 'The desktop pulls what the laptop captured.');
  await run('desktop', desktop, ['list']);

  await run('desktop', desktop, ['config', 'set', 'policy.tasks', 'manual'], 'Both edit the same title. The desktop asks to decide conflicts by hand.');
  await run('laptop', laptop, ['update', agenda.slice(0, 13), '--title', 'Draft the agenda (v2, laptop)']);
  await run('laptop', laptop, ['sync']);
  await run('desktop', desktop, ['update', agenda.slice(0, 13), '--title', 'Draft the agenda (desktop)']);
  await run('desktop', desktop, ['sync'], 'The desktop’s push meets the laptop’s change: exit 4, a conflict waits.');
  const conflicts = await run('desktop', desktop, ['conflicts']);
  const id = conflicts.stdout.split('\n')[1]?.split(/\s+/)[0];
  await run('desktop', desktop, ['resolve', id, '--take', 'local'], 'Keep the desktop’s title; it is queued and wins at the next sync.');
  await run('desktop', desktop, ['sync']);
  await run('laptop', laptop, ['sync'], 'The laptop pulls the decision.');
  await run('laptop', laptop, ['show', agenda.slice(0, 13)]);

  console.log('\n# A team: the laptop\'s user (demo) shares a workspace with Bob and a CI service user.');
  for (const [home, user] of [
    [teammate, 'bob'],
    [ci, 'ci-bot'],
  ]) {
    const own = (await convoy(laptop, ['dev', 'token', '--user', user])).stdout.trim();
    await convoy(home, ['init', '--convex', url, '--token', own]);
  }
  await run('laptop', laptop, ['workspace', 'create', 'Team'], 'Create a shared workspace and add two members by user id.');
  await run('laptop', laptop, ['workspace', 'add-member', 'Team', 'bob']);
  await run('laptop', laptop, ['workspace', 'add-member', 'Team', 'ci-bot']);
  await run('laptop', laptop, ['workspace', 'members', 'Team']);
  await run('bob', teammate, ['sync'], 'Bob\'s next sync learns of the workspace; he files a task in it.');
  const filed = await run('bob', teammate, ['add', 'Ship the release notes', '--workspace', 'Team', '--json']);
  const notes = JSON.parse(filed.stdout).id;
  await run('bob', teammate, ['sync']);
  await run('ci', ci, ['sync'], 'The CI job, as its own user, marks it done when the pull request merges.');
  await run('ci', ci, ['update', notes.slice(0, 13), '--status', 'done']);
  await run('ci', ci, ['sync']);
  await run('laptop', laptop, ['sync'], 'The teammate\'s task and the CI edit arrive on the laptop.');
  await run('laptop', laptop, ['list', '--workspace', 'Team', '--all']);
  await run('laptop', laptop, ['status']);
} finally {
  await server.stop();
}
console.log('\nDone. Try it yourself: npm run dev:convex, then convoy init --convex <url> --token <token>.');
