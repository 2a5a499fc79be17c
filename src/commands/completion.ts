/**
 * `convoy completion bash|zsh|fish`: a completion script generated from the
 * command tree (commands, flags, fixed values such as statuses), which asks
 * `convoy completion --projects` for project names when a --project value
 * is being completed.
 */
import type { Context } from '../context.js';
import { listProjects } from '../db/projects.js';
import { UsageError } from '../errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The command tree completion scripts are generated from (built from commander in src/cli-scripting.ts). */
export interface CommandNode {
  name: string;
  description: string;
  /** Long and short flags, e.g. ["--quiet", "-q"]; with the values a flag takes when they are fixed. */
  options: { flags: string[]; description: string; choices?: readonly string[]; takesValue: boolean }[];
  subcommands: CommandNode[];
}

/** Every command path with its node: [["add"], node], [["project","add"], node], … */
function paths(node: CommandNode, prefix: string[] = []): [string[], CommandNode][] {
  return node.subcommands.flatMap((sub) => [[[...prefix, sub.name], sub] as [string[], CommandNode], ...paths(sub, [...prefix, sub.name])]);
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(tree: CommandNode): string {
  const cases = paths(tree).map(([path, node]) => {
    const words = [...node.subcommands.map((s) => s.name), ...node.options.flatMap((o) => o.flags)].join(' ');
    return `    ${quote(path.join(' '))}) words=${quote(words)} ;;`;
  });
  const values = paths(tree).flatMap(([, node]) => node.options.filter((o) => o.choices).map((o) => `    ${o.flags[0]}) COMPREPLY=($(compgen -W ${quote(o.choices!.join(' '))} -- "$cur")); return ;;`));
  return `# convoy bash completion (convoy completion bash)
_convoy() {
  local cur prev path words i candidate known=${quote(`|${paths(tree).map(([p]) => p.join(' ')).join('|')}|`)}
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    --project) COMPREPLY=($(IFS=$'\\n' compgen -W "$(convoy completion --projects bash 2>/dev/null)" -- "$cur")); return ;;
${[...new Set(values)].join('\n')}
  esac
  path=""
  # Only words that extend a known command path count (not option values).
  for ((i = 1; i < COMP_CWORD; i++)); do
    candidate="\${path:+$path }\${COMP_WORDS[i]}"
    case "$known" in *"|$candidate|"*) path="$candidate" ;; esac
  done
  case "$path" in
    '') words=${quote([...tree.subcommands.map((s) => s.name), ...tree.options.flatMap((o) => o.flags)].join(' '))} ;;
${cases.join('\n')}
    *) words=${quote('')} ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _convoy convoy
`;
}

function zsh(tree: CommandNode): string {
  // zsh runs the bash function through bashcompinit: one generator, the same answers.
  return `#compdef convoy
# convoy zsh completion (convoy completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(tree)}`;
}

function fish(tree: CommandNode): string {
  const lines = ['# convoy fish completion (convoy completion fish)', 'complete -c convoy -f'];
  for (const sub of tree.subcommands) lines.push(`complete -c convoy -n __fish_use_subcommand -a ${sub.name} -d ${quote(sub.description)}`);
  for (const [path, node] of paths(tree)) {
    const seen = `__fish_seen_subcommand_from ${path.at(-1)}`;
    for (const sub of node.subcommands) lines.push(`complete -c convoy -n ${quote(seen)} -a ${sub.name} -d ${quote(sub.description)}`);
    for (const option of node.options) {
      const long = option.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = option.flags.find((f) => /^-\w$/.test(f))?.slice(1);
      const values = long === 'project' ? ' -r -a "(convoy completion --projects fish 2>/dev/null)"' : option.choices ? ` -r -a ${quote(option.choices.join(' '))}` : option.takesValue ? ' -r' : '';
      lines.push(`complete -c convoy -n ${quote(seen)}${long ? ` -l ${long}` : ''}${short ? ` -s ${short}` : ''} -d ${quote(option.description)}${values}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `convoy completion <shell>`: the script; with --projects, the replica's project names, one per line. */
export async function completionCommand(shell: string, options: { projects?: boolean }, ctx: Context, tree: CommandNode): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`shell "${shell}" is not one of ${SHELLS.join(', ')}`);
  if (options.projects) {
    const names = listProjects(ctx.replica()).map((p) => p.name);
    return ctx.reporter.result(names, () => names.join('\n'));
  }
  const script = shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
  ctx.reporter.result(null, () => script);
}
