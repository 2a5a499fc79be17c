/**
 * Commander definitions of `convoy workspace …` (shared workspaces, issue
 * #16). Each action lazy-imports its module: src/commands/workspace.ts
 * (create, list, use, forget) or workspace-members.ts (the member commands).
 */
import { Command, Option } from 'commander';
import { examples, type Runner } from './cli-shared.js';
import { WORKSPACE_ROLES } from './schema/protocol.js';

const NETWORK = '\nNeeds the network: offline it exits 3 and changes nothing.\n';
const DENIED = 'Exit 7: the server refused (not a member, or not an owner).\n';

export function addWorkspaceCommands(program: Command, run: Runner) {
  const load = () => import('./commands/workspace.js');
  const members = () => import('./commands/workspace-members.js');
  const workspace = program
    .command('workspace')
    .description('shared workspaces: create, list, use, members, leave, forget')
    .addHelpText(
      'after',
      examples([
        'convoy workspace create Team',
        'convoy workspace add-member Team 8f14e45f-ci-user',
        'convoy workspace use Team',
        'convoy add "Fix the release job"   # goes to Team',
        'convoy workspace list --json',
      ]) + '\nEvery task and project belongs to one workspace; yours alone is called personal. Guide: docs/workspaces.md\n',
    );
  workspace
    .command('create')
    .argument('<name>', `workspace name (1-100 visible characters, not "personal")`)
    .description('create a shared workspace; you become its owner')
    .option('--json', 'print the workspace as JSON')
    .addHelpText('after', examples(['convoy workspace create Team', 'convoy workspace create "Release crew" --json']) + NETWORK + 'Exit 2: the name is taken among your workspaces, or not a valid name.\n')
    .action(run(async (ctx, [name, opts]) => (await load()).workspaceCreateCommand(name as string, opts as object, ctx)));
  workspace
    .command('list')
    .description('your workspaces: * marks the current one; left ones are read-only')
    .option('--json', 'print a JSON array')
    .addHelpText(
      'after',
      examples(['convoy workspace list', 'convoy workspace list --json | jq -r \'.[] | select(.current) | .name\'']) +
        '\nAsks the server when it can; offline (or without a backend) it shows what this replica knows and says so.\n',
    )
    .action(run(async (ctx, [opts]) => (await load()).workspaceListCommand(opts as object, ctx)));
  workspace
    .command('use')
    .argument('<name>', 'workspace name (any case) or id; personal goes back to your own')
    .description('make a workspace current: new tasks go to it, list and board show it')
    .option('--json', 'print the workspace as JSON')
    .addHelpText(
      'after',
      examples(['convoy workspace use Team', 'convoy workspace use personal', 'CONVOY_WORKSPACE=Team convoy list   # one command only']) +
        '\nSets the config key workspace (local; the environment variable CONVOY_WORKSPACE beats it).\n',
    )
    .action(run(async (ctx, [name, opts]) => (await load()).workspaceUseCommand(name as string, opts as object, ctx)));
  workspace
    .command('members')
    .argument('[name]', 'workspace name or id (default: the current one)')
    .description('who belongs to a workspace, and their roles')
    .option('--json', 'print {workspace, members: [{userId, name, role, you}]}')
    .addHelpText('after', examples(['convoy workspace members', 'convoy workspace members Team --json']) + NETWORK + DENIED)
    .action(run(async (ctx, [name, opts]) => (await members()).workspaceMembersCommand(name as string | undefined, opts as object, ctx)));
  workspace
    .command('add-member')
    .argument('<name>', 'workspace name or id')
    .argument('<user-id>', "the user's id: the subject of their token (a teammate, or a CI service user)")
    .description("add someone to a workspace, or change their role (owners only)")
    .addOption(new Option('--role <role>', 'owner (manages members) or member (reads and writes tasks)').choices(WORKSPACE_ROLES).default('member'))
    .option('--json', 'print {workspace, members}')
    .addHelpText(
      'after',
      examples(['convoy workspace add-member Team 5c2a1e90-bob', 'convoy workspace add-member Team ci-bot --role member', 'convoy workspace add-member Team 5c2a1e90-bob --role owner']) +
        NETWORK +
        DENIED,
    )
    .action(run(async (ctx, [name, user, opts]) => (await members()).workspaceAddMemberCommand(name as string, user as string, opts as object, ctx)));
  workspace
    .command('remove-member')
    .argument('<name>', 'workspace name or id')
    .argument('<user-id>', "the member's user id (convoy workspace members)")
    .description('take someone out of a workspace (owners only; removing yourself is leave)')
    .option('--json', 'print {workspace, members}')
    .addHelpText('after', examples(['convoy workspace remove-member Team 5c2a1e90-bob']) + NETWORK + DENIED + 'Exit 2: it would leave the workspace without an owner.\n')
    .action(run(async (ctx, [name, user, opts]) => (await members()).workspaceRemoveMemberCommand(name as string, user as string, opts as object, ctx)));
  workspace
    .command('leave')
    .argument('<name>', 'workspace name or id')
    .description('stop being a member; the local copy stays read-only until forget')
    .option('--json', 'print the workspace as JSON')
    .addHelpText(
      'after',
      examples(['convoy workspace leave Team', 'convoy workspace leave Team && convoy workspace forget Team']) +
        NETWORK +
        'Exit 2: you are its last owner (make another member an owner first).\n',
    )
    .action(run(async (ctx, [name, opts]) => (await members()).workspaceLeaveCommand(name as string, opts as object, ctx)));
  workspace
    .command('forget')
    .argument('<name>', 'a workspace you left')
    .description("remove a left workspace's tasks, projects and unpushed changes from this replica")
    .option('--json', 'print {workspace, records, ops}')
    .addHelpText(
      'after',
      examples(['convoy workspace forget Team', 'convoy list --workspace Team --all --json > team-tasks.json; convoy workspace forget Team']) +
        '\nLocal only. Exit 2 for a workspace you still belong to: leave it first.\n',
    )
    .action(run(async (ctx, [name, opts]) => (await load()).workspaceForgetCommand(name as string, opts as object, ctx)));
}
