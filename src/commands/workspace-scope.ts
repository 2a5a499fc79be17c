/**
 * Which workspace a command acts on: `--workspace <name>`, else the current
 * one (config `workspace`, set by `convoy workspace use`), else personal.
 * Names resolve among the workspaces this replica knows (src/db/workspaces.ts).
 */
import type { Context } from '../context.js';
import { findWorkspace, listLocalWorkspaces, type LocalWorkspace } from '../db/workspaces.js';
import type { Store } from '../db/open.js';
import { pendingOpCount } from '../db/outbox.js';
import { UsageError } from '../errors.js';
import type { WorkspaceRole } from '../schema/protocol.js';

/** The config key that holds the current workspace (its id, or a name a person set). */
export const CURRENT_WORKSPACE_KEY = 'workspace';

/** The personal workspace (always known locally). */
export const personalWorkspace = (ctx: Context): LocalWorkspace => listLocalWorkspaces(ctx.replica()).find((w) => w.personal)!;

/**
 * The current workspace: config `workspace` (or CONVOY_WORKSPACE), else
 * personal. Throws UsageError when the setting names no workspace this
 * replica knows, saying how to fix it. Read-only.
 */
export function currentWorkspace(ctx: Context): LocalWorkspace {
  const setting = ctx.settings().get(CURRENT_WORKSPACE_KEY);
  if (setting === undefined) return personalWorkspace(ctx);
  try {
    return findWorkspace(ctx.replica(), setting, 'workspace');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(
      `the current workspace "${setting}" (config workspace or CONVOY_WORKSPACE) is not one this replica knows; run convoy sync to learn your workspaces, or go back with convoy workspace use personal`,
      { field: 'workspace' },
    );
  }
}

/** `--workspace <name>` when given (UsageError naming --workspace when unknown), else the current workspace. Read-only. */
export function selectedWorkspace(ctx: Context, option: string | undefined): LocalWorkspace {
  return option === undefined ? currentWorkspace(ctx) : findWorkspace(ctx.replica(), option, '--workspace');
}

/** Per workspace (local id; '' personal): its local changes waiting to be pushed (like status's `pending`). Read-only. */
export function pendingByWorkspace(store: Store): Map<string, number> {
  return new Map(listLocalWorkspaces(store).map((w) => [w.id, pendingOpCount(store, w.id)]));
}

/**
 * What `status` says about workspaces: the current one (`{id, name}`; id
 * null for personal before a sync learned the user id, or for a setting
 * this replica does not know, then `known` is false) and every workspace
 * with its role, state and queued changes.
 */
export function statusWorkspaces(ctx: Context): {
  workspace: { id: string | null; name: string };
  workspaces: { name: string; role: WorkspaceRole; state: 'active' | 'left'; pending: number }[];
  known: boolean;
} {
  const pending = pendingByWorkspace(ctx.replica());
  const workspaces = listLocalWorkspaces(ctx.replica()).map((w) => ({ name: w.name, role: w.role, state: w.state, pending: pending.get(w.id) ?? 0 }));
  try {
    const current = currentWorkspace(ctx);
    return { workspace: { id: current.serverId, name: current.name }, workspaces, known: true };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { workspace: { id: null, name: ctx.settings().get(CURRENT_WORKSPACE_KEY)! }, workspaces, known: false };
  }
}
