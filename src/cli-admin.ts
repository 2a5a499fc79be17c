/**
 * Commander definitions of the admin commands: projects, backend setup and
 * sync, conflicts, config, dev tools. Each action lazy-imports its module.
 */
import { Command } from 'commander';
import { CONFIG_KEYS } from './config/store.js';
import { examples, type ReadStdin, type Runner } from './cli-shared.js';
import { processLifecycle } from './lifecycle.js';


export function addProjectCommands(program: Command, run: Runner) {
  const project = program.command('project').description('manage projects');
  project
    .command('add')
    .description('create a project (names differ by more than case)')
    .argument('<name>', 'project name')
    .option('--description <text>', 'what the project is')
    .option('--workspace <name>', 'the workspace it goes to (default: the current one, see convoy workspace use)')
    .option('-q, --quiet', 'print only the new project id')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy project add Website', 'convoy add "Fix header" --project Website', 'convoy project add Releases --workspace Team']))
    .action(run(async (ctx, [name, opts]) => (await import('./commands/project.js')).projectAddCommand(name as string, opts as object, ctx)));
  project
    .command('list')
    .description('the projects of the current workspace, by name')
    .option('--workspace <name>', "this workspace's projects (default: the current one)")
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples(['convoy project list', 'convoy project list --json', 'convoy project list --workspace Team']))
    .action(run(async (ctx, [opts]) => (await import('./commands/project.js')).projectListCommand(opts as object, ctx)));

}

export function addSyncCommands(program: Command, run: Runner, stdin: ReadStdin) {
  program
    .command('init')
    .description('connect this replica to a backend and check the connection')
    .option('--convex <url>', 'Convex deployment URL')
    .option('--token <jwt>', 'your JWT for Convex, or - to read it from stdin')
    .option('--supabase <url>', 'Supabase project URL')
    .option('--anon-key <key>', "the Supabase project's anon (public) key")
    .option('--access-token <jwt>', 'your Supabase access token, or - to read it from stdin')
    .option('--refresh-token <token>', 'your Supabase refresh token (renews the access token), or - for stdin')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples([
        'convoy init --convex https://happy-animal-123.convex.cloud --token -',
        'convoy init --convex http://127.0.0.1:3210 --token "$(convoy dev token --user me)"',
        'convoy init --supabase https://abcdefghijklmnop.supabase.co --anon-key "$SUPABASE_ANON_KEY" --access-token -',
        'convoy init --supabase http://127.0.0.1:54321 --anon-key "$ANON_KEY" --access-token "$TOKEN" --refresh-token -',
      ]),
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/init.js')).initCommand(opts as object, ctx, stdin)));

  program
    .command('sync')
    .description('push queued changes, then pull what changed elsewhere')
    .option('--push-only', 'only push')
    .option('--pull-only', 'only pull')
    .option('--batch <n>', "ops per push request (1-5000, cut to the backend's limit; default: Supabase 1000, Convex 500)")
    .option('--json', 'print {pushed, pulled, conflicts, failed, durationMs, workspaces, left, ...}')
    .option('--watch', "keep running: push local changes within a second, pull others' changes as the backend announces them (Convex, Supabase Realtime) and on an interval")
    .option('--interval <s>', 'with --watch: seconds between pulls besides the live feed (default 10)')
    .option('--log-format <format>', 'with --watch: text or json (one object per line)', 'text')
    .option('--workspace <name>', 'sync only this workspace (default: config sync.workspaces, else every workspace you belong to)')
    .addHelpText(
      'after',
      examples([
        'convoy sync',
        'convoy sync --push-only --batch 500',
        'convoy sync --json || echo "exit $?"',
        'convoy sync --watch --interval 30 --log-format json',
        'convoy sync --workspace Team',
        'convoy config set sync.workspaces personal,Team',
      ]) +
        '\nExit 3: backend unreachable (nothing lost). Exit 4: some ops failed or conflicts wait.\n' +
        'Exit 7: you are no longer a member of a workspace that holds local changes (kept, not pushed; convoy workspace forget <name>).\n' +
        'The daemon logs one line per sync that did work to stderr; SIGINT/SIGTERM stop it (exit 0), SIGHUP reloads config.\n',
    )
    .action(
      run(async (ctx, [opts]) => {
        const options = opts as { watch?: boolean; batch?: string; workspace?: string };
        if (!options.watch) return (await import('./commands/sync.js')).syncCommand(options, ctx);
        return (await import('./commands/sync-watch.js')).syncWatchCommand(options, ctx, processLifecycle());
      }),
    );

  program
    .command('verify')
    .description('compare the replica with the server by checksum; list the records that differ')
    .option('--repair', 're-pull the records that differ (local changes not pushed yet are kept)')
    .option('--json', 'print {diverged, repaired, tables: [{table, serverCount, replicaCount, diverged, unsynced, behind, ...}]}')
    .addHelpText(
      'after',
      examples(['convoy verify', 'convoy verify --repair', 'convoy verify --json || convoy verify --repair']) +
        '\nRecords with local changes not pushed yet, or changed on the server since the last pull, are counted, not reported.\n' +
        'Exit 4: records differ (without --repair). Exit 3: backend unreachable.\n',
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/verify.js')).verifyCommand(opts as object, ctx)));

}

export function addConflictCommands(program: Command, run: Runner) {
  program
    .command('conflicts')
    .description('conflicts waiting for a decision')
    .option('--all', 'also those already settled by a policy')
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples(['convoy conflicts', 'convoy conflicts --all --json']))
    .action(run(async (ctx, [opts]) => (await import('./commands/conflicts.js')).conflictsCommand(opts as object, ctx)));

  program
    .command('resolve')
    .argument('<conflict-id>', 'conflict id or unique prefix (see convoy conflicts)')
    .description('settle a held conflict by keeping one side')
    .option('--take <side>', 'local or remote')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy resolve 01a2 --take local', 'convoy resolve 01a2 --take remote']))
    .action(run(async (ctx, [id, opts]) => (await import('./commands/conflicts.js')).resolveCommand(id as string, opts as object, ctx)));

  program
    .command('retry')
    .argument('[op]', 'failed op number')
    .description('re-queue failed ops with the current values')
    .option('--all', 'every failed op')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy retry --all', 'convoy retry 42']))
    .action(run(async (ctx, [op, opts]) => (await import('./commands/retry.js')).retryCommand(op as string | undefined, opts as object, ctx)));
}

export function addConfigCommands(program: Command, run: Runner, stdin: ReadStdin) {
  const load = () => import('./commands/config.js');
  const config = program
    .command('config')
    .description('read and change settings (backend, URLs, tokens)')
    .addHelpText(
      'after',
      examples(['convoy config set convex.url https://happy-animal-123.convex.cloud', 'convoy config set convex.token -   # reads stdin', 'convoy config list']) +
        `\nKeys:\n${Object.entries(CONFIG_KEYS)
          .map(([key, spec]) => `  ${key.padEnd(22)}${spec.describe}${spec.env ? ` (env ${spec.env})` : ''}${spec.secret ? ', secret' : ''}`)
          .join('\n')}\n`,
    );
  config
    .command('get')
    .description('print one setting')
    .argument('<key>')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config get convex.url']))
    .action(run(async (ctx, [key, opts]) => (await load()).configGetCommand(key as string, opts as object, ctx)));
  config
    .command('set')
    .description('change one setting')
    .argument('<key>')
    .argument('<value>', 'the value, or - to read it from stdin')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config set backend convex', 'printf %s "$TOKEN" | convoy config set convex.token -']))
    .action(run(async (ctx, [key, value, opts]) => (await load()).configSetCommand(key as string, value as string, opts as object, ctx, stdin)));
  config
    .command('unset')
    .description('remove one setting')
    .argument('<key>')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config unset convex.token']))
    .action(run(async (ctx, [key, opts]) => (await load()).configUnsetCommand(key as string, opts as object, ctx)));
  config
    .command('list')
    .description('every setting, where it comes from')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config list', 'convoy config list --json']))
    .action(run(async (ctx, [opts]) => (await load()).configListCommand(opts as object, ctx)));
  config
    .command('path')
    .description('where the replica, config and secrets live')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config path']))
    .action(run(async (ctx, [opts]) => (await load()).configPathCommand(opts as object, ctx)));
}

export function addDoctorCommand(program: Command, run: Runner) {
  program
    .command('doctor')
    .description('check the replica; set a damaged one aside and rebuild it (pending changes kept)')
    .option('--rebuild', 'rebuild even when the check passes')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(['convoy doctor', 'convoy doctor && convoy sync', 'convoy doctor --rebuild --json']) +
        '\nThe damaged file is never deleted: it is renamed to replica.db.damaged-<time> beside the new one.\n',
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/doctor.js')).doctorCommand(opts as object, ctx)));
}
