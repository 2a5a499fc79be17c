/**
 * Commander definitions. Each action lazy-imports its command module so that
 * `convoy add` loads only what adding needs. No error handling here: errors
 * travel to `src/main.ts`, the one place that maps them to exit codes.
 */
import { Command, Option } from 'commander';
import { addConfigCommands, addConflictCommands, addDoctorCommand, addProjectCommands, addSyncCommands } from './cli-admin.js';
import { addDevCommands, addServiceCommands } from './cli-dev.js';
import { addScriptingCommands } from './cli-scripting.js';
import { addWorkspaceCommands } from './cli-workspace.js';
import { examples, readAll, type CliIo, type ReadStdin, type ReadStdinBytes, type Runner } from './cli-shared.js';
import { createContext, type Context } from './context.js';
import { TASK_STATUSES, tasks } from './schema/tables.js';
import { UsageError } from './errors.js';
import { inputNames, setFields } from './output/fields.js';
import { createStreamReporter } from './output/reporter.js';
import { VERSION } from './version.js';

export type { CliIo } from './cli-shared.js';

/** A repeatable option's values, in order (undefined when not given). */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const WHEN = 'today, tomorrow, +3d, +2w, friday, 2026-12-24 or 2026-12-24T17:00 (local time)';

/** The task fields shared by add and update (update also takes --title). */
function taskOptions(command: Command, withTitle: boolean): Command {
  if (withTitle) command.option('--title <text>', 'new title');
  const clears = withTitle ? ' ("" clears)' : '';
  return command
    .option('--description <text>', 'longer description')
    .addOption(new Option('--status <status>', 'task status').choices(TASK_STATUSES))
    .option('--stage <text>', `free-text stage, e.g. "review"${clears}`)
    .option('--project <id|name>', `project name (any case) or id${clears}`)
    .option('--parent <id>', `parent task id${clears}`)
    .option('--due <when>', `due date: ${WHEN}${clears}`)
    .option('--priority <H|M|L>', `priority H, M or L${clears}`)
    .option('--tag <tag>', `add a tag (one word; repeat for more)`, collect)
    .option('--untag <tag>', 'remove a tag (repeatable)', collect)
    .option('--blocked-by <id>', 'a task this one waits for (repeatable; a cycle is refused)', collect)
    .option('--unblock <id>', 'stop waiting for a task (repeatable)', collect)
    .option('-q, --quiet', 'print only the task id')
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
      const opts = command.opts();
      const json = Boolean(opts.json) || opts.format === 'json';
      const ctx = createContext({ env: io.env, reporter: createStreamReporter(io, json) });
      onContext(ctx);
      const code = await action(ctx, args.slice(0, -1));
      setExit(code ?? 0);
    };
  const stdinBytes: ReadStdinBytes = () => {
    if (io.stdin.isTTY) return Promise.reject(new UsageError('stdin is a terminal, not piped input; give a file name or pipe lines in'));
    return readAll(io.stdin);
  };
  // import reads the stream itself, a piece at a time (bounded memory); the others read it whole.
  const stdinStream = async (): Promise<NodeJS.ReadableStream> => {
    if (io.stdin.isTTY) throw new UsageError('stdin is a terminal, not piped input; give a file name or pipe lines in');
    return io.stdin;
  };
  const stdin: ReadStdin = async () => (await stdinBytes()).toString('utf8');
  const program = new Command('convoy')
    .description('Capture tasks offline and sync them with Convex or Supabase.')
    .version(VERSION, '-v, --version', 'print the version')
    .showHelpAfterError('(add --help for usage and examples)')
    // Under --json a failure is one JSON object on stderr (src/main.ts), not commander's prose.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => void (io.json || io.stderr.write(s)) })
    .exitOverride()
    .addHelpText(
      'after',
      examples([
        'convoy add Fix the login --status in_progress',
        'id=$(convoy add -q Buy milk); convoy update "$id" --status done',
        'convoy list --status todo,in_progress --format tsv | cut -f1,4',
        'convoy status --json',
      ]) +
        '\nExit codes: 0 ok, 1 bug, 2 bad input, 3 offline, 4 sync incomplete, 5 not configured, 6 busy, 7 denied (not a member of the workspace).\n' +
        'Environment: CONVOY_HOME, CONVOY_PROFILE, CONVOY_CONVEX_*, CONVOY_SUPABASE_*, NO_COLOR, FORCE_COLOR… (convoy help environment)\n',
    );
  addTaskCommands(program, run, stdin, stdinStream, io);
  addProjectCommands(program, run);
  addConfigCommands(program, run, stdin);
  addDoctorCommand(program, run);
  addSyncCommands(program, run, stdin);
  addDevCommands(program, run);
  addServiceCommands(program, run);
  addConflictCommands(program, run);
  addWorkspaceCommands(program, run);
  addScriptingCommands(program, run, stdin, io);
  return program;
}

function addTaskCommands(program: Command, run: Runner, stdin: ReadStdin, stdinStream: () => Promise<NodeJS.ReadableStream>, io: CliIo) {
  taskOptions(program.command('add').argument('[title...]', 'what to do (words are joined; - or piped stdin: read it)').description('capture a task (works offline)'), false)
    .addHelpText(
      'after',
      examples([
        'convoy add Fix the login',
        'convoy add "Write docs" --project Website --stage draft --json',
        'convoy add Pay rent --due friday --priority H --tag home --tag money',
        'convoy add Renew passport --due 2026-12-24T17:00',
        'convoy add Deploy --blocked-by 3fa9c1 --due +3d',
        'id=$(convoy add -q Buy milk)',
        'printf "Title\\nlonger description" | convoy add -',
        'convoy add "Fix the release job" --workspace Team',
      ]),
    )
    .option('--workspace <name>', 'the workspace it goes to (default: the current one, see convoy workspace use)')
    .action(
      run(async (ctx, [words, opts]) => {
        const { addCommand, titleFrom } = await import('./commands/add.js');
        const title = await titleFrom(words as string[], io.stdin.isTTY ? null : stdin);
        return addCommand(title, opts as object, ctx);
      }),
    );

  taskOptions(program.command('update').argument('<id>', 'task id: the short id list prints, or the full id').description('change a task'), true)
    .addHelpText(
      'after',
      examples([
        'convoy update 3fa9c1 --status done',
        'convoy update 3fa9c1 --title "Fix login on Safari" --json',
        'convoy update 3fa9c1 --due tomorrow --priority M',
        'convoy update 3fa9c1 --due "" --priority ""   # clear both',
        'convoy update 3fa9c1 --tag urgent --untag someday',
        'convoy update 3fa9c1 --blocked-by 7c2e04 --unblock 19d0aa',
      ]),
    )
    .action(run(async (ctx, [id, opts]) => (await import('./commands/update.js')).updateCommand(id as string, opts as object, ctx)));

  program
    .command('list')
    .description('list open tasks, newest first')
    .option('--status <list>', `comma-separated statuses (${TASK_STATUSES.join(', ')})`)
    .option('--all', 'also done and canceled tasks')
    .option('--project <id|name>', 'only tasks of this project (name in any case)')
    .option('--pending', 'only tasks with unsynced changes')
    .option('--search <text>', 'text in title or description, any case (1-2 characters: among the newest 10,000 tasks)')
    .option('--tag <tag>', 'only tasks with this tag (repeat: all must match)', collect)
    .option('--priority <list>', 'comma-separated priorities, e.g. H or H,M')
    .option('--due-before <when>', `only tasks due before a time: ${WHEN}`)
    .option('--overdue', 'only open tasks whose due time has passed')
    .option('--blocked', 'only tasks waiting for an open task')
    .option('--unblocked', 'only tasks not waiting for any open task')
    .option('--sort <key>', 'created, updated, title, status, due or priority; -key or key:desc for descending, key:asc ascending')
    .option('--limit <n>', 'at most n tasks')
    .option('--format <format>', 'table, tsv, json or jsonl (default table)')
    .option('--fields <list>', 'comma-separated task fields to print, e.g. id,title,status')
    .option('--header', 'with --format tsv: print a header line')
    .option('--no-header', 'table without header and footer lines')
    .option('--json', 'print a JSON array (same as --format json)')
    .option('--workspace <name>', "only this workspace's tasks (default: the current one, see convoy workspace use)")
    .addHelpText(
      'after',
      examples([
        'convoy list',
        'convoy list --all --sort title',
        'convoy list --status todo,in_progress --search login',
        'convoy list --tag home --tag money --priority H,M',
        'convoy list --overdue --sort due',
        'convoy list --due-before +1w --sort -priority',
        'convoy list --unblocked --sort priority --json',
        'convoy list --blocked --all',
        'convoy list --format tsv --fields id,title | while IFS=$(printf "\\t") read -r id title; do …; done',
        'convoy list --pending --json | jq length',
        'convoy list --workspace Team --status done',
      ]) + '\nWhen stdout is not a terminal nothing is cut; tsv and json print full ids.\n',
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/list.js')).listCommand(opts as Record<string, string>, ctx)));

  program
    .command('show')
    .argument('<id>', 'task id: the short id list prints, or the full id')
    .description('show a task, its sync state and its queued ops')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['convoy show 3fa9c1', 'convoy show 3fa9c1 --json']))
    .action(run(async (ctx, [id, opts]) => (await import('./commands/show.js')).showCommand(id as string, opts as object, ctx)));

  program
    .command('note')
    .argument('<id>', 'task id: the short id list prints, or the full id')
    .argument('[text...]', 'the note (words are joined; - or piped stdin: read it)')
    .description('add a timestamped note to a task (works offline; notes never conflict)')
    .option('--json', 'print the note as JSON')
    .addHelpText('after', examples(['convoy note 3fa9c1 Called the bank, waiting for a reply', 'git log -1 --format=%B | convoy note 3fa9c1 -', 'convoy show 3fa9c1   # notes are listed last']))
    .action(
      run(async (ctx, [id, words, opts]) =>
        (await import('./commands/note.js')).noteCommand(id as string, words as string[], opts as object, ctx, io.stdin.isTTY ? null : stdin),
      ),
    );

  program
    .command('import')
    .argument('[file]', 'JSON-lines file, or - for stdin', '-')
    .description('create/update many tasks from JSON lines (or Taskwarrior), all or nothing')
    .option('--from <format>', 'convoy (JSON lines, the default) or taskwarrior (task export JSON)')
    .option('--workspace <name>', 'create the tasks and projects in this workspace (default: the current one)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      examples([
        'convoy import tasks.jsonl',
        'convoy export --all | CONVOY_HOME=/tmp/other convoy import',
        'convoy import team.jsonl --workspace Team',
        `echo '{"op":"create","title":"Ship it","status":"todo"}' | convoy import -`,
        'task export | convoy import --from taskwarrior',
      ]) +
        `\nEach line: {"op":"create"|"update", "id"?, ${inputNames(tasks).map((name) => `"${name}"?`).join(', ')}, ${setFields(tasks).map((s) => `"${s.field}"?: [..]`).join(', ')}, "notes"?: ["text" | {"text", "createdAt"}]}\n` +
        'Sets (tags, blockedBy) add their members, also on an update; due takes what --due takes; null clears a field.\n',
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
    .option('--workspace <name>', 'the workspace shown, where new tasks go (default: the current one)')
    .addHelpText('after', examples(['convoy board', 'convoy board --project Website', 'convoy board --workspace Team']) + '\nNeeds a terminal; press ? in the board for the keys. In scripts use convoy list --json.\n')
    .action(run(async (ctx, [opts]) => (await import('./commands/board.js')).boardCommand(opts as object, ctx)));
}
