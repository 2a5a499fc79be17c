/**
 * The in-memory reference backend: the `Backend` interface over a
 * `MemoryServer` in the same process, running the same server half as the
 * Convex functions. For tests (it runs the backend contract suite and every
 * sync scenario); not offered by `convoy init`.
 */
import { BackendError } from '../../../errors.js';
import type { ChecksumAnswer, ChecksumRequest, PullAllPage, PullAllRequest, PullPage, PullRequest, PushBatch, PushResult } from '../../../schema/protocol.js';
import { ServerError } from '../../../schema/server/store.js';
import type { Backend } from '../../backend.js';
import { MemoryServer, MemoryServerUnavailable } from './server.js';

export { MemoryServer, type MemoryServerOptions } from './server.js';

export interface MemoryBackendOptions {
  server: MemoryServer;
  /** From `server.token(user)` (or `server.token(user, {name})`); another string is refused as an auth error. */
  token: string;
  /** Shown as the backend's URL; default "memory://local". */
  name?: string;
}

/** Create the backend. Opens nothing; every call goes straight to the server. */
export function createMemoryBackend(options: MemoryBackendOptions): Backend {
  const { server, token } = options;
  let closed = false;
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) throw new BackendError('the memory backend was closed', { retryable: false });
    try {
      return await run();
    } catch (error) {
      throw toBackendError(error);
    }
  };
  return {
    kind: 'memory',
    url: options.name ?? 'memory://local',
    // Arguments are copied, as if sent over a network: the caller may reuse its objects.
    push: (batch: PushBatch): Promise<PushResult> => call(() => server.push(token, structuredClone(batch))),
    pull: (request: PullRequest): Promise<PullPage> => call(() => server.pull(token, { ...request })),
    pullAll: (request: PullAllRequest): Promise<PullAllPage> => call(() => server.pullAll(token, structuredClone(request))),
    checksum: (request: ChecksumRequest): Promise<ChecksumAnswer> => call(() => server.checksum(token, { ...request })),
    ping: async () => {
      await call(() => server.head(token));
    },
    listWorkspaces: () => call(() => server.listWorkspaces(token)),
    createWorkspace: (name) => call(() => server.createWorkspace(token, name)),
    listMembers: (workspace) => call(() => server.listMembers(token, workspace)),
    addMember: (workspace, userId, role) => call(() => server.addMember(token, workspace, userId, role)),
    removeMember: (workspace, userId) => call(() => server.removeMember(token, workspace, userId)),
    subscribe: (onChange, workspace) => (closed ? () => undefined : server.subscribe(token, onChange, workspace)),
    close: async () => {
      closed = true;
    },
  };
}

/** Classified like the network backends: stopped → offline, bad token → auth, refusals → not retryable. */
function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  if (error instanceof MemoryServerUnavailable) {
    return error.reason === 'stopped'
      ? new BackendError(`cannot reach the memory server: ${error.message}`, { retryable: true, offline: true, cause: error })
      : new BackendError(`the memory server refused the token: ${error.message}`, { retryable: false, auth: true, cause: error });
  }
  if (error instanceof ServerError) {
    return new BackendError(`the memory server refused the call (${error.code}): ${error.message}`, { retryable: false, refusal: error.code, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError(`memory server failed: ${message}`, { retryable: true, cause: error });
}
