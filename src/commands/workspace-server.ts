/**
 * The workspace commands' calls to the server: one place that turns a
 * refusal into the CLI's errors (bad input exit 2, not allowed exit 7,
 * offline exit 3 with "nothing changed") and saves the server's list of
 * workspaces in the replica afterwards.
 */
import type { Context } from '../context.js';
import { saveWorkspaceList } from '../db/workspaces.js';
import { BackendError, DeniedError, UsageError } from '../errors.js';
import type { WorkspaceList } from '../schema/protocol.js';
import type { Backend } from '../sync/backend.js';

/** A refusal the server may give, and what the command makes of it. */
export type Refusal = 'exists' | 'invalid' | 'forbidden';
export type Explain = Partial<Record<Refusal, (reason: string) => Error>>;

/** The server's own words, without the adapter's "… refused the call (code):" prefix. */
export function reasonOf(error: BackendError): string {
  return error.message.replace(/^.*?refused the call[^:]*:\s*/, '');
}

/**
 * Run one server call of `convoy workspace <command>`. Offline: BackendError
 * (exit 3) saying nothing changed. `exists`/`invalid`: UsageError (exit 2),
 * worded by `explain` when it has a word for it. `forbidden`: DeniedError
 * (exit 7), likewise. Anything else travels as it is.
 */
export async function askServer<T>(command: string, run: () => Promise<T>, explain: Explain = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    if (error.offline) {
      throw new BackendError(`${error.message}; convoy workspace ${command} needs the network: nothing changed, try again when online`, {
        retryable: true,
        offline: true,
        cause: error,
      });
    }
    const refusal = error.refusal as Refusal | undefined;
    const explained = refusal === undefined ? undefined : explain[refusal]?.(reasonOf(error));
    if (explained) throw explained;
    if (refusal === 'exists' || refusal === 'invalid') throw new UsageError(reasonOf(error));
    if (refusal === 'forbidden') throw new DeniedError(reasonOf(error));
    throw error;
  }
}

/** Ask the server for the caller's workspaces and save them in the replica (left ones marked). Returns the list. */
export async function refreshWorkspaces(ctx: Context, backend: Backend, command: string): Promise<WorkspaceList> {
  const list = await askServer(command, () => backend.listWorkspaces());
  saveWorkspaceList(ctx.replica(), list, ctx.now());
  return list;
}
