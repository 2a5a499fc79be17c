/**
 * The Convex backend: the `Backend` interface over the official
 * `ConvexHttpClient`, calling the functions in convex/ (push, pull, head,
 * web, workspaces), plus a live feed of a workspace's `head` over the official `ConvexClient`'s sync
 * WebSocket for the daemon. The only file in src/ that imports the Convex SDK.
 *
 * Errors are classified here, once: unreachable or timed out → offline
 * (retryable); refused credential → auth; a request the server will refuse
 * again (argument validation, size limits, malformed batch) → not
 * retryable; any other server failure → retryable.
 */
import { ConvexClient, ConvexHttpClient } from 'convex/browser';
import WebSocket from 'ws';
import { api } from '../../../../convex/_generated/api.js';
import { BackendError, ConfigError } from '../../../errors.js';
import type { Backend } from '../../backend.js';
import type { ChecksumAnswer, ChecksumRequest, PullAllPage, PullAllRequest, PullPage, PullRequest, PushBatch, PushResult } from '../../../schema/protocol.js';
import { createHttpFetch } from '../http-fetch.js';
import { safeUrl } from '../safe-url.js';

export const DEFAULT_TIMEOUT_MS = 20_000;

export interface ConvexBackendOptions {
  /** Deployment URL, e.g. https://happy-animal-123.convex.cloud or http://127.0.0.1:3210. */
  url: string;
  /** JWT for the user (its `sub` is the user id); null or empty calls anonymously (refused). */
  token: string | null;
  /** Per-request limit, including reading the response; default 20 s. */
  timeoutMs?: number;
  /** fetch to use (tests); default one over node:http (http-fetch.ts: no exit delay). */
  fetch?: typeof fetch;
}

/** Create the backend. Throws ConfigError for a URL the client cannot use. Opens no connection. */
export function createConvexBackend(options: ConvexBackendOptions): Backend {
  const url = options.url.replace(/\/+$/, '');
  const own = options.fetch === undefined ? createHttpFetch() : null;
  let client: ConvexHttpClient;
  try {
    client = new ConvexHttpClient(url, {
      logger: false,
      fetch: classifyingFetch(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.fetch ?? own!.fetch),
    });
  } catch (error) {
    throw new ConfigError(`convex.url ${JSON.stringify(options.url)} is not usable: ${(error as Error).message}`);
  }
  if (options.token) client.setAuth(options.token);
  const live = options.token ? liveFeed(url, options.token) : null;
  let closed = false;
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) throw new BackendError('the Convex backend was closed', { retryable: false });
    try {
      return await run();
    } catch (error) {
      throw toBackendError(error);
    }
  };
  return {
    kind: 'convex',
    url: safeUrl(url),
    pushLimits: CONVEX_PUSH_LIMITS,
    push: (batch: PushBatch): Promise<PushResult> => call(() => client.mutation(api.push.push, batch)),
    pull: (request: PullRequest): Promise<PullPage> => call(() => client.query(api.pull.pull, request)),
    pullAll: (request: PullAllRequest): Promise<PullAllPage> => call(() => client.query(api.pull.pullAll, request)),
    checksum: (request: ChecksumRequest): Promise<ChecksumAnswer> => call(() => client.query(api.pull.checksum, request)),
    ping: async () => {
      await call(() => client.query(api.pull.head, {}));
    },
    listWorkspaces: () => call(() => client.query(api.workspaces.list, {})),
    createWorkspace: (name) => call(() => client.mutation(api.workspaces.create, { name })),
    listMembers: (workspace) => call(() => client.query(api.workspaces.members, { workspace })),
    addMember: (workspace, userId, role) => call(() => client.mutation(api.workspaces.addMember, { workspace, userId, role })),
    removeMember: (workspace, userId) => call(() => client.mutation(api.workspaces.removeMember, { workspace, userId })),
    subscribe: (onChange, workspace) => (closed || live === null ? () => undefined : live.subscribe(onChange, workspace)),
    close: async () => {
      closed = true;
      await live?.close();
      own?.close();
    },
  };
}

/**
 * The live feed behind `subscribe`: one `ConvexClient`, made on first use,
 * subscribed to `head`. Silent (no console output, no throw reaching the
 * process). It retries dropped connections itself (backoff to 16 s), and
 * gives up for good, leaving the daemon on its pull interval, when the
 * deployment refuses the WebSocket upgrade before ever accepting one (no
 * WebSocket support), refuses the token, or ends the session with a fatal
 * protocol error (which the client would otherwise throw from its socket
 * handler, an uncaught exception).
 */
/**
 * Convex's documented limits on one mutation: 8,192 array elements and
 * 16 MiB of arguments, 16,000 documents and 16 MiB written, 1 s of
 * execution. A push op writes a few documents; 1,000 ops stay well inside
 * every one (and half the argument size). 500 per request measured fastest
 * (bench push, round-trip).
 */
export const CONVEX_PUSH_LIMITS = { preferredOps: 500, maxOps: 1_000, maxBytes: 8 * 1024 * 1024 } as const;

function liveFeed(url: string, token: string): { subscribe: NonNullable<Backend['subscribe']>; close(): Promise<void> } {
  let client: ConvexClient | null = null;
  let gaveUp = false;
  const stop = async () => {
    gaveUp = true;
    const c = client;
    client = null;
    await c?.close().catch(() => undefined);
  };
  const open = (): ConvexClient | null => {
    if (gaveUp || client !== null) return client;
    let accepted = false;
    const webSocketConstructor = guardedWebSocket({
      opened: () => (accepted = true),
      refused: (status) => {
        // 408, 429 and 5xx may pass (a proxy, a deploy); any other 4xx before a first success: no WebSocket here.
        if (!accepted && status >= 400 && status < 500 && status !== 408 && status !== 429) void stop();
      },
      failed: () => void stop(),
    });
    try {
      client = new ConvexClient(url, { logger: false, unsavedChangesWarning: false, webSocketConstructor });
    } catch {
      gaveUp = true;
      return null;
    }
    client.setAuth(
      async () => token,
      (authenticated) => {
        if (!authenticated) void stop(); // refused or expired: the HTTP calls report it; a new token means a new backend
      },
    );
    return client;
  };
  return {
    subscribe: (onChange, workspace) => {
      const c = open();
      if (c === null) return () => undefined;
      let last: number | null = null;
      const unsubscribe = c.onUpdate(
        api.pull.head,
        workspace === undefined ? {} : { workspace },
        ({ headVersion }) => {
          if (headVersion === last) return;
          last = headVersion;
          onChange(headVersion);
        },
        () => undefined, // the query failed (auth, or no longer a member): the interval's pulls report it
      );
      return () => unsubscribe();
    },
    close: stop,
  };
}

/**
 * The `ws` WebSocket the Convex client would use anyway, which also reports
 * an HTTP answer to the upgrade (`refused`) and catches what the client's own
 * event handlers throw (`failed`) instead of letting it escape the socket.
 */
function guardedWebSocket(hooks: { opened(): void; refused(status: number): void; failed(error: unknown): void }): typeof globalThis.WebSocket {
  class GuardedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.once('open', () => hooks.opened());
      this.on('unexpected-response', (_request, response) => {
        this.terminate(); // what ws does itself without this listener: error, then close (1006)
        hooks.refused(response.statusCode ?? 0);
      });
      for (const name of ['onopen', 'onmessage', 'onerror', 'onclose'] as const) {
        const attribute = Object.getOwnPropertyDescriptor(WebSocket.prototype, name)!;
        Object.defineProperty(this, name, {
          get: () => attribute.get!.call(this),
          set: (handler: unknown) => {
            const guarded =
              typeof handler === 'function'
                ? (event: unknown) => {
                    try {
                      handler.call(this, event);
                    } catch (error) {
                      hooks.failed(error);
                    }
                  }
                : handler;
            attribute.set!.call(this, guarded);
          },
        });
      }
    }
  }
  return GuardedWebSocket as unknown as typeof globalThis.WebSocket;
}

/**
 * fetch with a deadline, which turns transport failures and non-function
 * HTTP errors into BackendErrors itself: the client would otherwise reduce
 * them to a bare Error without the status. 200 and 560 (a function's own
 * success or failure) pass through to the client.
 */
function classifyingFetch(timeoutMs: number, base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await base(input, { ...init, signal });
      if (response.ok || response.status === 560) {
        // Read the body under the same deadline, so a stalled body is a timeout too.
        const text = await response.text();
        return new Response(text, { status: response.status, headers: response.headers });
      }
    } catch (error) {
      throw transportError(error, deadline.aborted, timeoutMs);
    }
    throw await httpError(response);
  };
}

function transportError(error: unknown, timedOut: boolean, timeoutMs: number): BackendError {
  const message = timedOut
    ? `Convex did not answer within ${timeoutMs} ms`
    : `cannot reach Convex: ${describeCause(error)}`;
  return new BackendError(message, { retryable: true, offline: true, cause: error });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

/** A non-function HTTP failure: 401/403 auth, 429 and 5xx transient, other 4xx a refusal. */
async function httpError(response: Response): Promise<BackendError> {
  const text = await response.text().catch(() => '');
  let detail = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { code?: string; message?: string };
    if (body.message) detail = body.code ? `${body.code}: ${body.message}` : body.message;
  } catch {
    // Not JSON (a proxy's error page, say): keep the text.
  }
  const status = response.status;
  const message = `Convex answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new BackendError(message, { retryable: false, auth: true });
  return new BackendError(message, { retryable: status === 429 || status >= 500 });
}

// Function failures (HTTP 560) that will fail the same way if retried.
const PERMANENT = [
  /ArgumentValidationError/,
  /Validator error/, // convex-test's wording for the same
  /Array length is too long/,
  /too large/i,
  /in a single function execution/, // transaction limits: the same batch hits them again
  /Could not find public function/,
  /Trying to execute .* as \w+, but it is defined as/,
];

/** Classify anything the client threw. */
export function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const data = (err as { data?: unknown }).data;
  if (data !== undefined) {
    // A ConvexError thrown on purpose by convoy's functions.
    const { code, message } = (typeof data === 'object' && data !== null ? data : { message: String(data) }) as {
      code?: string;
      message?: string;
    };
    const text = `Convex refused the call${code ? ` (${code})` : ''}: ${message ?? err.message}`;
    const auth = code === 'unauthenticated';
    return new BackendError(text, { retryable: false, auth, ...(code === undefined || auth ? {} : { refusal: code }), cause: error });
  }
  const permanent = PERMANENT.some((pattern) => pattern.test(err.message));
  return new BackendError(`Convex function failed: ${err.message}`, { retryable: !permanent, cause: error });
}
