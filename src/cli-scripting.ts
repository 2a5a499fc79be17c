/**
 * Commander definitions of the scripting surface: export, undo, shell
 * completion and `help [topic]`. Each action lazy-imports its module.
 */
import type { Command } from 'commander';
import { examples, type CliIo, type ReadStdin, type Runner } from './cli-shared.js';
import type { CommandNode } from './commands/completion.js';
import { UsageError } from './errors.js';

/** The tree of `command` (hidden commands and options left out). */
export function commandTree(command: Command): CommandNode {
  return {
    name: command.name(),
    description: command.description(),
    options: command.options
      .filter((o) => !o.hidden)
      .map((o) => ({
        flags: [o.long, o.short].filter((f): f is string => Boolean(f)),
        description: o.description,
        choices: o.argChoices,
        takesValue: o.required || o.optional,
      })),
    subcommands: command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map(commandTree),
  };
}

export function addScriptingCommands(program: Command, run: Runner, stdin: ReadStdin, io: CliIo) {
  void stdin;
  program
    .command('export')
    .description('write tasks (and their projects) as the JSON lines import reads')
    .option('--all', 'also done and canceled tasks')
    .option('--format <format>', 'jsonl (default) or json (one array)')
    .option('--workspace <name>', 'export this workspace (default: the current one)')
    .addHelpText('after', examples(['convoy export > tasks.jsonl', 'convoy export --all | CONVOY_HOME=/tmp/copy convoy import', 'convoy export --workspace Team > team.jsonl']))
    .action(run(async (ctx, [opts]) => (await import('./commands/export.js')).exportCommand(opts as object, ctx)));

  program
    .command('undo')
    .description('revert the most recent local change (an import as a whole); works offline')
    .option('--list', 'show the last 20 changes undo can revert')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(['convoy undo', 'convoy undo --list']) +
        '\nA change not yet pushed is dropped from the outbox and the record restored; a pushed one gets a compensating change.\n',
    )
    .action(run(async (ctx, [opts]) => (await import('./commands/undo.js')).undoCommand(opts as object, ctx)));

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print a shell completion script')
    .option('--projects', 'print the project names, one per line (the scripts call this)')
    .addHelpText(
      'after',
      examples(['source <(convoy completion bash)    # in ~/.bashrc', 'convoy completion zsh > "${fpath[1]}/_convoy"', 'convoy completion fish > ~/.config/fish/completions/convoy.fish']),
    )
    .action(
      run(async (ctx, [shell, opts]) =>
        (await import('./commands/completion.js')).completionCommand(shell as string, opts as { projects?: boolean }, ctx, commandTree(program)),
      ),
    );

  program.helpCommand(false);
  program
    .command('help')
    .argument('[topic]', 'a command, or environment')
    .description('help on a command, or on the environment variables convoy reads')
    .addHelpText('after', examples(['convoy help add', 'convoy help environment']))
    .action(async (topic: string | undefined) => {
      if (topic === 'environment') {
        const { environmentHelp } = await import('./environment.js');
        io.stdout.write(`${environmentHelp()}\n`);
        return;
      }
      const command = topic === undefined ? program : program.commands.find((c) => c.name() === topic);
      if (!command) throw new UsageError(`help: no command or topic "${topic}"; try convoy --help or convoy help environment`);
      command.outputHelp();
    });
}
