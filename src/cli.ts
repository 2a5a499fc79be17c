/**
 * Commander definitions. Each action lazy-imports its command module so that
 * `convoy add` loads only what adding needs. No error handling here: errors
 * travel to `src/main.ts`, the one place that maps them to exit codes.
 */
import { Command, Option } from 'commander';
import { createContext, type Context } from './context.js';
import { TASK_STATUSES, tasks } from './schema/tables.js';
import { UsageError } from './errors.js';
import { inputNames } from './output/fields.js';
import { createStreamReporter, type ReporterStreams } from './output/reporter.js';

export interface CliIo extends ReporterStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

type Action = (ctx: Context, args: unknown[]) => Promise<number | void>;
type Runner = (action: Action) => (...args: unknown[]) => Promise<void>;

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

async function readAll(stream: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Signals as a daemon lifecycle: SIGINT/SIGTERM stop, SIGHUP reloads. */
function processLifecycle() {
  const controller = new AbortController();
  // `on`, not `once`: a library's signal-exit handler re-raises the signal
  // when it finds itself the only listener left.
  process.on('SIGINT', () => controller.abort());
  process.on('SIGTERM', () => controller.abort());
  return { stop: controller.signal, onReload: (listener: () => void) => void process.on('SIGHUP', listener) };
}

/** The task fields shared by add and update (update also takes --title). */
function taskOptions(command: Command, withTitle: boolean): Command {
  if (withTitle) command.option('--title <text>', 'new title');
  const clears = withTitle ? ' ("" clears)' : '';
  return command
    .option('--description <text>', 'longer description')
    .addOption(new Option('--status <status>', 'task status').choices(TASK_STATUSES))
    .option('--stage <text>', `free-text stage, e.g. "review"${clears}`)
    .option('--project <id|name>', `project name or id${clears}`)
    .option('--parent <id>', `parent task id${clears}`)
    .option('--json', 'print the task as JSON');
}

/**
 * Build the program. `run(action)` receives a function of the context; it
 * creates the context (with the reporter for --json) and records the exit code.
 */
export function buildProgram(io: CliIo, onContext: (ctx: Context) => void, setExit: (code: number) => void): Command {
  const run: Runner =
    (action) =>
    async (...args) => {
      const command = args.at(-1) as Command;
      const json = Boolean(command.opts().json);
      const ctx = createContext({ env: io.env, reporter: createStreamReporter(io, json) });
      onContext(ctx);
      const code = await action(ctx, args.slice(0, -1));
      setExit(code ?? 0);
    };
  // import reads the stream itself, a piece at a time (bounded memory); the others read it whole.
  const stdinStream = async (): Promise<NodeJS.ReadableStream> => {
    if (io.stdin.isTTY) throw new UsageError('stdin is a terminal, not piped input; give a file name or pipe lines in');
    return io.stdin;
  };
  const stdin = async () => readAll(await stdinStream());
  const program = new Command('convoy')
    .description('Capture tasks offline and sync them with Convex or Supabase.')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      examples([
        'convoy add "Fix login" --status in_progress',
        'convoy list --status todo,in_progress',
        'convoy update 0193ab --status done',
        'convoy status --json',
      ]) + '\nExit codes: 0 ok, 1 unexpected, 2 bad input, 3 offline, 4 sync incomplete, 5 not configured.\n',
    );
  addTaskCommands(program, run, stdinStream);
  addProjectCommands(program, run);
  addConfigCommands(program, run, stdin);
  addSyncCommands(program, run, stdin);
  addConflictCommands(program, run);
  return program;
}

function addTaskCommands(program: Command, run: Runner, stdinStream: () => Promise<NodeJS.ReadableStream>) {
  taskOptions(program.command('add').argument('<title>', 'what to do').description('capture a task (works offline)'), false)
    .addHelpText('after', examples(['convoy add "Fix login"', 'convoy add "Write docs" --project Website --stage draft --json']))
    .action(run(async (ctx, [title, opts]) => (await import('./commands/add.js')).addCommand(title as string, opts as object, ctx)));

  taskOptions(program.command('update').argument('<id>', 'task id or unique prefix (≥ 4 chars)').description('change a task'), true)
    .addHelpText('after', examples(['convoy update 0193ab --status done', 'convoy update 0193ab --title "Fix login on Safari" --json']))
    .action(run(async (ctx, [id, opts]) => (await import('./commands/update.js')).updateCommand(id as string, opts as object, ctx)));

  program
    .command('list')
    .description('list tasks, newest first')
    .option('--status <list>', `comma-separated statuses (${TASK_STATUSES.join(', ')})`)
    .option('--project <id|name>', 'only tasks of this project')
    .option('--pending', 'only tasks with unsynced changes')
    .option('--search <text>', 'text in title or description')
    .option('--limit <n>', 'at most n tasks')
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples(['convoy list', 'convoy list --status todo,in_progress --search login', 'convoy list --pending --json | jq length']))
    .action(run(async (ctx, [opts]) => (await import('./commands/list.js')).listCommand(opts as object, ctx)));

  program
    .command('show')
    .argument('<id>', 'task id or unique prefix')
    .description('show a task, its sync state and its queued ops')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy show 0193ab', 'convoy show 0193ab --json']))
    .action(run(async (ctx, [id, opts]) => (await import('./commands/show.js')).showCommand(id as string, opts as object, ctx)));

  program
    .command('import')
    .argument('[file]', 'JSON-lines file, or - for stdin', '-')
    .description('create/update many tasks from JSON lines, all or nothing')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      examples([
        'convoy import tasks.jsonl',
        `echo '{"op":"create","title":"Ship it","status":"todo"}' | convoy import -`,
        `echo '{"op":"update","id":"0193ab","status":"done"}' | convoy import`,
      ]) + `\nEach line: {"op":"create"|"update", "id"?, ${inputNames(tasks).map((name) => `"${name}"?`).join(', ')}}\n`,
    )
    .action(run(async (ctx, [file, opts]) => (await import('./commands/import.js')).importCommand(file as string, opts as object, ctx, stdinStream)));

  program
    .command('status')
    .description('backend, queued ops, conflicts, sync state, daemon')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy status', 'convoy status --json | jq .pending']))
    .action(run(async (ctx, [opts]) => (await import('./commands/status.js')).statusCommand(opts as object, ctx)));

  program
    .command('board')
    .description('full-screen board: tasks by status, live sync state')
    .option('--project <id|name>', 'only tasks of this project (new tasks join it)')
    .addHelpText('after', examples(['convoy board', 'convoy board --project Website']) + '\nNeeds a terminal; press ? in the board for the keys. In scripts use convoy list --json.\n')
    .action(run(async (ctx, [opts]) => (await import('./commands/board.js')).boardCommand(opts as object, ctx)));

}

function addProjectCommands(program: Command, run: Runner) {
  const project = program.command('project').description('manage projects');
  project
    .command('add')
    .argument('<name>', 'project name')
    .option('--description <text>', 'what the project is')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy project add Website', 'convoy add "Fix header" --project Website']))
    .action(run(async (ctx, [name, opts]) => (await import('./commands/project.js')).projectAddCommand(name as string, opts as object, ctx)));
  project
    .command('list')
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples(['convoy project list', 'convoy project list --json']))
    .action(run(async (ctx, [opts]) => (await import('./commands/project.js')).projectListCommand(opts as object, ctx)));

}

function addSyncCommands(program: Command, run: Runner, stdin: () => Promise<string>) {
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
    .option('--batch <n>', 'ops per push request (1-500, default 200)')
    .option('--json', 'print {pushed, pulled, conflicts, failed, durationMs}')
    .option('--watch', 'keep running: push local changes within a second, pull on an interval')
    .option('--interval <s>', 'with --watch: seconds between pulls (default 10)')
    .option('--log-format <format>', 'with --watch: text or json (one object per line)', 'text')
    .addHelpText(
      'after',
      examples(['convoy sync', 'convoy sync --push-only --batch 500', 'convoy sync --json || echo "exit $?"', 'convoy sync --watch --interval 30 --log-format json']) +
        '\nExit 3: backend unreachable (nothing lost). Exit 4: some ops failed or conflicts wait.\n' +
        'The daemon logs one line per sync that did work to stderr; SIGINT/SIGTERM stop it (exit 0), SIGHUP reloads config.\n',
    )
    .action(
      run(async (ctx, [opts]) => {
        const options = opts as { watch?: boolean; batch?: string };
        if (!options.watch) return (await import('./commands/sync.js')).syncCommand(options, ctx);
        return (await import('./commands/sync-watch.js')).syncWatchCommand(options, ctx, processLifecycle());
      }),
    );

}

function addConflictCommands(program: Command, run: Runner) {
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

  const dev = program.command('dev').description('tools for local backends and CI');
  dev
    .command('token')
    .description('mint a JWT with this machine\'s dev key (local backends only)')
    .option('--user <id>', 'user id (the token subject)')
    .option('--ttl <seconds>', 'lifetime (default 7 days)')
    .option('--jwks', 'print the public key set as a data: URL instead')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy dev token --user alice', 'npx convex env set CONVOY_JWT_JWKS "$(convoy dev token --jwks)"']))
    .action(run(async (ctx, [opts]) => (await import('./commands/dev.js')).devTokenCommand(opts as object, ctx)));
}

function addConfigCommands(program: Command, run: Runner, stdin: () => Promise<string>) {
  const load = () => import('./commands/config.js');
  const config = program
    .command('config')
    .description('read and change settings (backend, URLs, tokens)')
    .addHelpText('after', examples(['convoy config set convex.url https://happy-animal-123.convex.cloud', 'convoy config set convex.token -   # reads stdin', 'convoy config list']));
  config
    .command('get')
    .argument('<key>')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config get convex.url']))
    .action(run(async (ctx, [key, opts]) => (await load()).configGetCommand(key as string, opts as object, ctx)));
  config
    .command('set')
    .argument('<key>')
    .argument('<value>', 'the value, or - to read it from stdin')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config set backend convex', 'printf %s "$TOKEN" | convoy config set convex.token -']))
    .action(run(async (ctx, [key, value, opts]) => (await load()).configSetCommand(key as string, value as string, opts as object, ctx, stdin)));
  config
    .command('unset')
    .argument('<key>')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config unset convex.token']))
    .action(run(async (ctx, [key, opts]) => (await load()).configUnsetCommand(key as string, opts as object, ctx)));
  config
    .command('list')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config list', 'convoy config list --json']))
    .action(run(async (ctx, [opts]) => (await load()).configListCommand(opts as object, ctx)));
  config
    .command('path')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy config path']))
    .action(run(async (ctx, [opts]) => (await load()).configPathCommand(opts as object, ctx)));
}
