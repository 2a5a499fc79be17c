/**
 * `convoy workspace members|add-member|remove-member|leave`: who shares a
 * workspace. Each needs the network (offline: exit 3, nothing changed); the
 * server decides who may do what (not allowed: exit 7). Each refreshes the
 * replica's list of workspaces first (to resolve the name) and after (a
 * role changed, or a workspace was left).
 */
import type { Context } from '../context.js';
import { findWorkspace, getWorkspace, type LocalWorkspace } from '../db/workspaces.js';
import { DeniedError, UsageError } from '../errors.js';
import { memberJson, membersTable, type MemberJson } from '../output/workspace-text.js';
import { WORKSPACE_ROLES, type MemberInfo, type WorkspaceRole } from '../schema/protocol.js';
import { isUuid } from '../schema/rules.js';
import type { Backend } from '../sync/backend.js';
import { currentWorkspace } from './workspace-scope.js';
import { askServer, refreshWorkspaces } from './workspace-server.js';
import { currentId, describeWorkspace, shellArg, usePersonal, type WorkspaceOptions } from './workspace.js';

export interface AddMemberOptions extends WorkspaceOptions {
  /** owner or member (default member). */
  role?: string;
}

/** What `members`, `add-member` and `remove-member --json` print. */
export interface MembersJson {
  workspace: { id: string | null; name: string };
  members: MemberJson[];
}

interface Resolved {
  backend: Backend;
  workspace: LocalWorkspace;
  /** The caller's user id. */
  self: string;
}

/**
 * Refresh the list from the server, then find `name` among the workspaces
 * (undefined: the current one). A workspace id the caller is no member of
 * is put to the server, whose refusal (exit 7) says why; any other unknown
 * name stays a usage error (exit 2).
 */
async function resolve(ctx: Context, command: string, name: string | undefined): Promise<Resolved> {
  const backend = await ctx.backend();
  const list = await refreshWorkspaces(ctx, backend, command);
  const self = list.user.userId;
  if (name === undefined) return { backend, workspace: currentWorkspace(ctx), self };
  try {
    return { backend, workspace: findWorkspace(ctx.replica(), name, '<name>'), self };
  } catch (error) {
    if (!(error instanceof UsageError) || !isUuid(name.trim())) throw error;
    const id = name.trim();
    await askServer(command, () => backend.listMembers(id), {
      forbidden: () => new DeniedError(`you are not a member of workspace ${id}; ask one of its owners to add you: convoy workspace add-member ${id} ${self}`),
    });
    throw error;
  }
}

/** A left workspace: the server no longer answers for it. */
function requireMember(w: LocalWorkspace): void {
  if (w.state === 'left') {
    throw new DeniedError(`you are no longer a member of workspace ${w.name}; its local copy is read-only (convoy workspace forget ${shellArg(w.name)} removes it)`);
  }
}

function requireShared(w: LocalWorkspace): void {
  if (w.personal) throw new UsageError('<name>: a personal workspace cannot be shared; create a workspace with convoy workspace create <name>', { field: '<name>' });
}

function checkUserId(userId: string): string {
  const trimmed = userId.trim();
  if (trimmed === '') throw new UsageError('<user-id> is empty; give the user id (the token subject) of the person or CI user', { field: '<user-id>' });
  return trimmed;
}

function report(ctx: Context, w: LocalWorkspace, members: MemberInfo[], self: string, headline: string | null): void {
  const json: MembersJson = { workspace: { id: w.serverId, name: w.name }, members: members.map((m) => memberJson(m, self)) };
  ctx.reporter.result(json, () => [...(headline ? [headline] : []), membersTable(json.members, ctx.reporter.color)].join('\n'));
}

const ownersOnly = (w: LocalWorkspace, what: string) => () =>
  new DeniedError(`only an owner of workspace ${w.name} can ${what}; ask one of its owners (convoy workspace members ${shellArg(w.name)})`);

/** `convoy workspace members [<name>]`: the members of a workspace (default: the current one). */
export async function workspaceMembersCommand(name: string | undefined, _options: WorkspaceOptions, ctx: Context): Promise<void> {
  const { backend, workspace: w, self } = await resolve(ctx, 'members', name);
  requireMember(w);
  const members = await askServer('members', () => backend.listMembers(w.serverId ?? self));
  report(ctx, w, members, self, `Members of workspace ${w.name}:`);
}

/** `convoy workspace add-member <name> <user-id> [--role owner|member]`: add someone (or change their role). Owners only. */
export async function workspaceAddMemberCommand(name: string, userId: string, options: AddMemberOptions, ctx: Context): Promise<void> {
  const role = (options.role ?? 'member') as WorkspaceRole;
  if (!WORKSPACE_ROLES.includes(role)) throw new UsageError(`--role "${options.role}" is not one of ${WORKSPACE_ROLES.join(', ')}`, { field: '--role' });
  const user = checkUserId(userId);
  const { backend, workspace: w, self } = await resolve(ctx, 'add-member', name);
  requireShared(w);
  requireMember(w);
  const members = await askServer('add-member', () => backend.addMember(w.serverId!, user, role), {
    forbidden: ownersOnly(w, 'add members or change roles'),
    invalid: (reason) => new UsageError(`<user-id>: ${reason}`, { field: '<user-id>' }),
  });
  if (user === self) await refreshWorkspaces(ctx, backend, 'add-member');
  report(ctx, w, members, self, `${user} is ${role === 'owner' ? 'an owner' : 'a member'} of workspace ${w.name}.`);
}

/** `convoy workspace remove-member <name> <user-id>`: take someone out (owners; anyone may remove themself). */
export async function workspaceRemoveMemberCommand(name: string, userId: string, options: WorkspaceOptions, ctx: Context): Promise<void> {
  const user = checkUserId(userId);
  const { backend, workspace: w, self } = await resolve(ctx, 'remove-member', name);
  if (user === self) return workspaceLeaveCommand(name, options, ctx);
  requireShared(w);
  requireMember(w);
  const members = await askServer('remove-member', () => backend.removeMember(w.serverId!, user), {
    forbidden: ownersOnly(w, 'remove other members'),
    invalid: (reason) => new UsageError(`<user-id>: ${reason}`, { field: '<user-id>' }),
  });
  report(ctx, w, members, self, `${user} is no longer a member of workspace ${w.name}.`);
}

/**
 * `convoy workspace leave <name>`: stop being a member. The local copy
 * stays, read-only, until `convoy workspace forget`; unpushed changes are
 * kept. Leaving twice is fine. The current workspace goes back to personal.
 */
export async function workspaceLeaveCommand(name: string, _options: WorkspaceOptions, ctx: Context): Promise<void> {
  const { backend, workspace: w, self } = await resolve(ctx, 'leave', name);
  if (w.personal) throw new UsageError('<name>: you cannot leave your personal workspace', { field: '<name>' });
  const already = w.state === 'left';
  if (!already) {
    await askServer('leave', () => backend.removeMember(w.serverId!, self), { invalid: (reason) => new UsageError(`<name>: ${reason}`, { field: '<name>' }) });
    await refreshWorkspaces(ctx, backend, 'leave');
  }
  const wasCurrent = currentId(ctx) === w.id;
  if (wasCurrent) await usePersonal(ctx);
  const json = describeWorkspace(ctx, getWorkspace(ctx.replica(), w.id) ?? { ...w, state: 'left' });
  const arg = shellArg(w.name);
  ctx.reporter.result(json, () =>
    [
      already ? `You had already left workspace ${w.name}.` : `Left workspace ${w.name}.`,
      `Its tasks stay here read-only${json.pending ? `, with ${json.pending} unpushed ${json.pending === 1 ? 'change' : 'changes'} kept` : ''}; convoy workspace forget ${arg} removes them.`,
      ...(wasCurrent ? ['The current workspace is personal again.'] : []),
    ].join('\n'),
  );
}
