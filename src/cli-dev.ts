/**
 * Commander definitions of the tools around convoy rather than its tasks:
 * `dev token` and `dev server` (local backends for tests and CI) and
 * `service` (the sync daemon as an OS service). Each action lazy-imports its module.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { examples, type Runner } from './cli-shared.js';
import { processLifecycle } from './lifecycle.js';

export function addDevCommands(program: Command, run: Runner) {
  const dev = program.command('dev').description('local stand-in backends and tokens for tests and CI');
  dev
    .command('token')
    .description('mint a JWT with this machine\'s dev key (local backends only)')
    .option('--user <id>', 'user id (the token subject)')
    .option('--ttl <seconds>', 'lifetime (default 7 days)')
    .option('--jwks', 'print the public key set as a data: URL instead')
    .option('--supabase', 'a Supabase access token (signed with the local stand-in\'s and `supabase start`\'s JWT secret)')
    .option('--anon-key', 'with --supabase: print the local anon key instead')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples([
        'convoy dev token --user alice',
        'npx convex env set CONVOY_JWT_JWKS "$(convoy dev token --jwks)"',
        'convoy dev token --supabase --user alice',
        'convoy dev token --supabase --anon-key',
      ]) + '\nThe key pair lives in <CONVOY_HOME>/dev-keys (per profile), or in CONVOY_DEV_KEY_DIR when set;\n`convoy dev server` trusts the same keys.\n',
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/dev.js')).devTokenCommand(opts as object, ctx)));

  dev
    .command('server')
    .description('run a local stand-in backend for tests and CI until Ctrl-C')
    .option('--convex', 'the Convex stand-in: convex/ functions on convex-test, in memory (default)')
    .option('--supabase', 'the Supabase stand-in: the generated SQL in PGlite behind a PostgREST-like API')
    .option('--port <n>', 'port on 127.0.0.1 (default 3210 for Convex, 54321 for Supabase; 0: any free one)')
    .option('--data <dir>', 'with --supabase: keep the database in <dir> between runs')
    .option('--user <id>', 'user of the printed token (default dev)')
    .option('--json', 'print {backend, url, user, token, init, ...} as JSON once listening (one line when piped)')
    .addHelpText(
      'after',
      examples([
        'convoy dev server --convex &',
        'convoy init --convex http://127.0.0.1:3210 --token "$(convoy dev token --user ci)"',
        'convoy dev server --supabase --port 54321 --data .convoy-dev-db',
      ]) +
        `
These are local stand-ins for tests and CI, not backends to keep data in: the
Convex one runs this package's convex/ functions on the official convex-test
runtime, the Supabase one the package's migrations in PGlite (WebAssembly
PostgreSQL). Tokens come from the same dev keys as \`convoy dev token\`.
For a real local backend instead: \`npx convex dev --local\` in a checkout of
convoy's repository, or \`supabase start\` with the package's
supabase/migrations (docs/ci.md shows both). Exits 0 on SIGINT or SIGTERM.
`,
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/dev-server.js')).devServerCommand(opts as object, ctx, processLifecycle())));
}

export function addServiceCommands(program: Command, run: Runner) {
  const service = program.command('service').description('run the sync daemon as a service of this user (systemd on Linux, launchd on macOS)');
  const host = () => ({
    platform: process.platform,
    nodePath: process.execPath,
    // The launcher (bin/convoy.cjs) itself, not a symlink that a later install may repoint.
    convoyPath: realpathSync(process.argv[1]!),
    homeDir: homedir(),
    uid: process.getuid?.(),
  });
  const action = (name: 'install' | 'uninstall' | 'status', description: string, lines: string[]) => {
    const command = service
      .command(name)
      .description(description)
      .option('--platform <os>', 'linux (systemd user unit) or macos (launchd agent); default: this machine')
      .option('--json', 'print JSON');
    if (name === 'install') {
      command.option('--interval <s>', 'seconds between pulls (default 10)').option('--print', 'only print the unit/agent file, install nothing');
    }
    command
      .addHelpText(
        'after',
        examples(lines) +
          '\nThe service runs `convoy sync --watch` with this node and this convoy (absolute paths) and this\n' +
          'CONVOY_HOME / CONVOY_PROFILE. Linux: ~/.config/systemd/user/convoy-sync.service, logs with\n' +
          'journalctl --user -u convoy-sync.service -f. macOS: ~/Library/LaunchAgents/dev.convoy.sync.plist,\n' +
          'logs in ~/Library/Logs/convoy-sync.log. A non-default profile gets its own service.\n',
      )
      .action(run(async (ctx, [opts]) => (await import('./commands/service.js')).serviceCommand(name, opts as object, ctx, host())));
  };
  action('install', 'write, enable and start the service (again: rewrite and restart)', [
    'convoy service install',
    'convoy service install --interval 30',
    'convoy service install --print --platform macos',
  ]);
  action('uninstall', 'stop, disable and remove the service', ['convoy service uninstall']);
  action('status', 'whether the service is installed and running, and where its logs are', ['convoy service status', 'convoy service status --json']);
}
