/**
 * Which workspaces a sync acts on (`convoy sync`, the daemon, `convoy
 * verify`): `--workspace <name>`, else config `sync.workspaces`, else every
 * workspace the replica has joined.
 */
import type { Context } from '../context.js';
import { findWorkspace, saveWorkspaceList } from '../db/workspaces.js';
import { UsageError } from '../errors.js';
import type { Backend } from '../sync/backend.js';

/**
 * The selected workspaces' local ids, or undefined for every active one.
 * A name the replica does not know yet (joined since its last sync) is
 * looked up once in the server's list (one request, only then). Throws
 * UsageError naming `--workspace` or `sync.workspaces` for an unknown or
 * ambiguous name; BackendError when that look-up fails.
 */
export async function selectedWorkspaces(ctx: Context, flag: string | undefined, backend: () => Promise<Backend>): Promise<string[] | undefined> {
  const configured = flag === undefined ? ctx.settings().get('sync.workspaces') : undefined;
  if (flag === undefined && configured === undefined) return undefined;
  const field = flag !== undefined ? '--workspace' : 'sync.workspaces';
  const names = flag !== undefined ? [flag] : configured!.split(',').map((n) => n.trim());
  const resolve = () => [...new Set(names.map((name) => findWorkspace(ctx.replica(), name, field).id))];
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof UsageError) || / names \d+ workspaces/.test(error.message)) throw error;
    saveWorkspaceList(ctx.replica(), await (await backend()).listWorkspaces(), ctx.now());
    return resolve();
  }
}
