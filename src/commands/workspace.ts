/**
 * `convoy workspace create|list|use|forget`: the workspaces this replica
 * syncs. create and list ask the server (list falls back to the local copy
 * offline); use and forget are local. The member commands are in
 * workspace-members.ts.
 */
import type { Context } from '../context.js';
import { findWorkspace, forgetWorkspace, listLocalWorkspaces, type LocalWorkspace } from '../db/workspaces.js';
import { BackendError, ConfigError, UsageError } from '../errors.js';
import { workspaceJson, workspacesTable, type WorkspaceJson } from '../output/workspace-text.js';
import { MAX_WORKSPACE_NAME, PERSONAL_WORKSPACE_NAME } from '../schema/protocol.js';
import { checkText } from '../schema/rules.js';
import { askServer, refreshWorkspaces } from './workspace-server.js';
import { CURRENT_WORKSPACE_KEY, currentWorkspace, pendingByWorkspace } from './workspace-scope.js';

export interface WorkspaceOptions {
  json?: boolean;
}

/** A name as a shell argument in a hint: quoted when it has more than word characters. */
export const shellArg = (name: string) => (/^[\w.@:-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`);

/** The name `create` sends: trimmed, visible text, not too long, not `personal`. UsageError naming <name> otherwise. */
function checkName(name: string): string {
  const trimmed = name.trim();
  const problem = checkText('<name>', trimmed, { required: true, max: MAX_WORKSPACE_NAME, multiline: false, visible: true });
  if (problem) throw new UsageError(`workspace ${problem.message}`, { field: '<name>' });
  if (trimmed.toLowerCase() === PERSONAL_WORKSPACE_NAME) {
    throw new UsageError(`<name> "${trimmed}" is what your personal workspace is called; pick another name`, { field: '<name>' });
  }
  return trimmed;
}

/** The current workspace's local id, or null when the setting names none this replica knows. */
export function currentId(ctx: Context): string | null {
  try {
    return currentWorkspace(ctx).id;
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}

/**
 * Make the personal workspace current again (after leaving or forgetting the
 * current one). Returns a note when the environment's CONVOY_WORKSPACE still
 * names another, which no config change can override.
 */
export async function usePersonal(ctx: Context): Promise<void> {
  (await ctx.config()).unset(CURRENT_WORKSPACE_KEY);
  if (ctx.env.CONVOY_WORKSPACE) ctx.reporter.note('CONVOY_WORKSPACE is set in the environment and still names the current workspace; unset it');
}

/** One workspace's JSON with whether it is current and what it has queued. */
export function describeWorkspace(ctx: Context, w: LocalWorkspace): WorkspaceJson {
  return workspaceJson(w, currentId(ctx) === w.id, pendingByWorkspace(ctx.replica()).get(w.id) ?? 0);
}

/** `convoy workspace create <name>`: a new shared workspace with you as its owner. Needs the network. */
export async function workspaceCreateCommand(name: string, _options: WorkspaceOptions, ctx: Context): Promise<void> {
  const wanted = checkName(name);
  const backend = await ctx.backend();
  const created = await askServer('create', () => backend.createWorkspace(wanted), {
    exists: () => new UsageError(`<name>: you already belong to a workspace named "${wanted}"; pick another name, or switch to it: convoy workspace use ${shellArg(wanted)}`, { field: '<name>' }),
    invalid: (reason) => new UsageError(`<name>: ${reason}`, { field: '<name>' }),
  });
  await refreshWorkspaces(ctx, backend, 'create');
  const arg = shellArg(created.name);
  ctx.reporter.result(describeWorkspace(ctx, findWorkspace(ctx.replica(), created.id, '<name>')), () =>
    [
      `Created workspace ${created.name} (${created.id}); you are its owner.`,
      `Add a teammate or a CI user: convoy workspace add-member ${arg} <user-id>`,
      `Make it the default for new tasks: convoy workspace use ${arg}`,
    ].join('\n'),
  );
}

/** Why `list` shows the local copy, or null when it asked the server. */
async function refreshForList(ctx: Context): Promise<string | null> {
  try {
    await refreshWorkspaces(ctx, await ctx.backend(), 'list');
    return null;
  } catch (error) {
    if (error instanceof ConfigError && ctx.settings().backendKind() === null) return 'no backend configured: showing the workspaces this replica knows';
    if (error instanceof BackendError && error.offline) return 'offline: showing the workspaces as of the last sync';
    throw error;
  }
}

/** `convoy workspace list`: your workspaces (from the server when reachable), the current one marked. */
export async function workspaceListCommand(_options: WorkspaceOptions, ctx: Context): Promise<void> {
  const stale = await refreshForList(ctx);
  if (stale) ctx.reporter.note(stale);
  const list = listLocalWorkspaces(ctx.replica()).map((w) => describeWorkspace(ctx, w));
  ctx.reporter.result(list, () => {
    const lines = [workspacesTable(list, ctx.reporter.color)];
    const you = list.find((w) => w.personal)?.id;
    if (you) lines.push(`You are ${you} (your user id: an owner adds you to a workspace with it).`);
    if (list.length === 1) lines.push('Only your personal workspace. Share tasks with a team: convoy workspace create Team');
    const left = list.find((w) => w.state === 'left');
    if (left) lines.push(`A left workspace is read-only here; convoy workspace forget ${shellArg(left.name)} removes it.`);
    if (!list.some((w) => w.current)) lines.push('The current workspace (config workspace) is not known here: convoy workspace use personal');
    return lines.join('\n');
  });
}

/** `convoy workspace use <name>`: the workspace new tasks go to and list/board show (config `workspace`). */
export async function workspaceUseCommand(name: string, _options: WorkspaceOptions, ctx: Context): Promise<void> {
  const w = findWorkspace(ctx.replica(), name, '<name>');
  if (w.state === 'left') {
    throw new UsageError(
      `<name>: you left workspace ${w.name}; its tasks are read-only (convoy list --workspace ${shellArg(w.name)} shows them); use an active one (convoy workspace list)`,
      { field: '<name>' },
    );
  }
  if (w.personal) await usePersonal(ctx);
  else (await ctx.config()).set(CURRENT_WORKSPACE_KEY, w.id);
  if (!w.personal && ctx.env.CONVOY_WORKSPACE) ctx.reporter.note('CONVOY_WORKSPACE is set in the environment and beats this setting');
  ctx.reporter.result(describeWorkspace(ctx, w), () => `Now using workspace ${w.name}: new tasks and projects go to it; list and board show it.`);
}

/** `convoy workspace forget <name>`: remove a left workspace's read-only copy from this replica. */
export async function workspaceForgetCommand(name: string, _options: WorkspaceOptions, ctx: Context): Promise<void> {
  const w = findWorkspace(ctx.replica(), name, '<name>');
  const arg = shellArg(w.name);
  if (w.personal) throw new UsageError('<name>: your personal workspace cannot be forgotten', { field: '<name>' });
  if (w.state !== 'left') throw new UsageError(`<name>: you are still a member of workspace ${w.name}; leave it first: convoy workspace leave ${arg}`, { field: '<name>' });
  const wasCurrent = currentId(ctx) === w.id;
  const { records, ops } = forgetWorkspace(ctx.replica(), w.id);
  if (wasCurrent) await usePersonal(ctx);
  ctx.reporter.result({ workspace: { id: w.serverId, name: w.name }, records, ops }, () =>
    [
      `Forgot workspace ${w.name}: removed ${records} ${records === 1 ? 'record' : 'records'} and ${ops} unpushed ${ops === 1 ? 'change' : 'changes'} from this replica.`,
      ...(wasCurrent ? ['The current workspace is personal again.'] : []),
    ].join('\n'),
  );
}
