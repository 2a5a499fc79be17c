/**
 * The Supabase backend: the `Backend` interface over Supabase's official
 * PostgREST client (`@supabase/postgrest-js`, the `rpc` of supabase-js),
 * calling the SQL functions in supabase/migrations (convoy_push,
 * convoy_pull_all, convoy_head, the workspace functions) as the signed-in
 * user, so row-level security applies. A request's workspace goes through
 * as the functions' `workspace` / `p_workspace` (absent: personal). Only that client is loaded, not all of supabase-js (auth, storage,
 * functions, realtime: ~150 ms of module loading a sync does not need); the
 * daemon's live feed loads the Realtime client when it subscribes (live.ts).
 * from-config.ts imports this file dynamically, so `convoy add` loads neither.
 *
 * Credentials: the project's anon key (the `apikey` header) and the user's
 * access token (the `Authorization` header, through supabase-js's
 * `accessToken` option), renewed with the refresh token when one is set
 * (session.ts).
 *
 * Errors are classified here, once: unreachable or timed out → offline
 * (retryable); refused anon key, access token or refresh token → auth (exit
 * 5); convoy's functions missing from the project → not retryable, saying to
 * apply the migrations; convoy's own refusals (SQLSTATE 42501, 23505, 22023)
 * → BackendError.refusal forbidden (exit 7), exists, invalid; 408/429/5xx →
 * retryable; any other refusal → not.
 */
import { PostgrestClient } from '@supabase/postgrest-js';
import { BackendError, ConfigError } from '../../../errors.js';
import type { Backend } from '../../backend.js';
import type {
  ChecksumAnswer,
  ChecksumRequest,
  MemberInfo,
  PullAllPage,
  PullAllRequest,
  PullPage,
  PullRequest,
  PushBatch,
  PushResult,
  WorkspaceId,
  WorkspaceInfo,
  WorkspaceList,
  WorkspaceRole,
} from '../../../schema/protocol.js';
import { describeCause, SupabaseSession, type SessionTokens } from './session.js';
import { createHttpFetch } from '../http-fetch.js';
import { safeUrl } from '../safe-url.js';
import { subscribeToHead, type LiveFeed } from './live.js';

export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * One push is one convoy_push call, one transaction. What bounds it is the
 * role's statement timeout (8 s for `authenticated` on Supabase) and the
 * request size the API gateway takes; 2,000 ops in at most 2 MiB of JSON
 * stay far inside both (the bench's server time is well under 1 ms an op).
 * The preferred size is what the bench (round-trip) measured fastest.
 */
export const SUPABASE_PUSH_LIMITS = { preferredOps: 1_000, maxOps: 2_000, maxBytes: 2 * 1024 * 1024 } as const;

export interface SupabaseBackendOptions {
  /** Project URL, e.g. https://abcdefghijklmnop.supabase.co or http://127.0.0.1:54321. */
  url: string;
  /** The project's anon (public) key. */
  anonKey: string;
  /** The user's access token (a Supabase Auth JWT); null calls as anon (refused) unless a refresh token gets one. */
  accessToken: string | null;
  /** Renews the access token when it is about to expire or is refused. */
  refreshToken?: string | null;
  /** Called with the new pair after each renewal (Supabase rotates refresh tokens: store both); awaited. */
  onTokens?: (tokens: SessionTokens) => void | Promise<void>;
  /** Per-request limit, including reading the response; default 20 s. */
  timeoutMs?: number;
  /** fetch to use (tests); default one over node:http (http-fetch.ts: no exit delay). */
  fetch?: typeof fetch;
}

/** What postgrest-js hands back for one call. */
interface RpcOutcome {
  data: unknown;
  error: { message?: string; code?: string; details?: string | null; hint?: string | null } | null;
  status: number;
  timedOut: boolean;
}

/** Create the backend. Throws ConfigError for a URL or key the client cannot use. Opens no connection. */
export function createSupabaseBackend(options: SupabaseBackendOptions): Backend {
  const url = options.url.trim().replace(/\/+$/, '');
  if (!options.anonKey) throw new ConfigError('supabase.anonKey is not set; give the project’s anon key (convoy init --supabase <url> --anon-key <key>)');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const own = options.fetch === undefined ? createHttpFetch() : null;
  const fetchImpl = options.fetch ?? own!.fetch;
  const session = new SupabaseSession({
    url,
    anonKey: options.anonKey,
    accessToken: options.accessToken,
    refreshToken: options.refreshToken ?? null,
    onRefresh: options.onTokens,
    timeoutMs,
    fetch: fetchImpl,
  });
  const rpc = new Rpc(connect(options, url, session, fetchImpl), session, safeUrl(url), timeoutMs);
  const feeds = new Set<LiveFeed>();
  return {
    kind: 'supabase',
    url: rpc.url,
    pushLimits: SUPABASE_PUSH_LIMITS,
    push: async (batch: PushBatch) => expectShape<PushResult>(await rpc.call('convoy_push', { batch }), 'results', rpc.url),
    pull: async (request: PullRequest) =>
      expectShape<PullPage>(
        await rpc.call('convoy_pull', { p_table: request.table, p_cursor: request.cursor, p_limit: request.limit, ...inWorkspace(request.workspace) }),
        'changes',
        rpc.url,
      ),
    pullAll: async (request: PullAllRequest) => expectShape<PullAllPage>(await rpc.call('convoy_pull_all', { request }), 'tables', rpc.url),
    checksum: async (request: ChecksumRequest) =>
      expectShape<ChecksumAnswer>(
        await rpc.call('convoy_checksum', { p_table: request.table, p_suffix: request.suffix, ...inWorkspace(request.workspace) }),
        'digest',
        rpc.url,
      ),
    ping: async () => {
      expectShape(await rpc.call('convoy_head', {}), 'headVersion', rpc.url);
    },
    listWorkspaces: async () => expectShape<WorkspaceList>(await rpc.call('convoy_workspaces', {}), 'workspaces', rpc.url),
    createWorkspace: async (name: string) => expectShape<WorkspaceInfo>(await rpc.call('convoy_create_workspace', { p_name: name }), 'id', rpc.url),
    listMembers: async (workspace: WorkspaceId) => expectList<MemberInfo>(await rpc.call('convoy_members', { p_workspace: workspace }), rpc.url),
    addMember: async (workspace: WorkspaceId, userId: string, role: WorkspaceRole) =>
      expectList<MemberInfo>(await rpc.call('convoy_add_member', { p_workspace: workspace, p_user: userId, p_role: role }), rpc.url),
    removeMember: async (workspace: WorkspaceId, userId: string) =>
      expectList<MemberInfo>(await rpc.call('convoy_remove_member', { p_workspace: workspace, p_user: userId }), rpc.url),
    subscribe: (onChange, workspace) => {
      const feed = subscribeToHead({ url, anonKey: options.anonKey, session, onChange, workspace });
      feeds.add(feed);
      return () => {
        feeds.delete(feed);
        feed.close();
      };
    },
    close: async () => {
      rpc.close();
      for (const feed of feeds) feed.close();
      feeds.clear();
      own?.close();
    },
  };
}

/**
 * The PostgREST client at <url>/rest/v1, sending what supabase-js sends: the
 * anon key as `apikey`, and the session's access token (else the anon key)
 * as the bearer. Throws ConfigError for an unusable URL.
 */
function connect(options: SupabaseBackendOptions, url: string, session: SupabaseSession, fetchImpl: typeof fetch): PostgrestClient {
  let base: URL;
  try {
    base = new URL(url);
  } catch (error) {
    throw new ConfigError(`supabase.url ${JSON.stringify(options.url)} is not usable: ${(error as Error).message}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ConfigError(`supabase.url ${JSON.stringify(options.url)} is not usable: it must be an http or https URL`);
  }
  const withAuth: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('apikey', options.anonKey);
    headers.set('authorization', `Bearer ${session.accessToken ?? options.anonKey}`);
    return fetchImpl(input, { ...init, headers });
  };
  return new PostgrestClient(`${url}/rest/v1`, { fetch: withAuth });
}

/** Calls of convoy's SQL functions, with a deadline, one renewal on a refused token, and classified errors. */
class Rpc {
  #closed = false;

  constructor(
    private readonly client: PostgrestClient,
    private readonly session: SupabaseSession,
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async call(fn: string, args: object): Promise<unknown> {
    if (this.#closed) throw new BackendError('the Supabase backend was closed', { retryable: false });
    await this.session.ensureFresh();
    let outcome = await this.#once(fn, args);
    // An access token refused although it looked fresh (clock skew, rotated secret): renew once.
    if (outcome.status === 401 && this.session.canRefresh && !isGatewayRefusal(outcome)) {
      await this.session.refresh();
      outcome = await this.#once(fn, args);
    }
    if (outcome.error !== null || outcome.status === 0) throw toBackendError(outcome, this.url, this.timeoutMs);
    return outcome.data;
  }

  async #once(fn: string, args: object): Promise<RpcOutcome> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const { data, error, status } = await this.client.rpc(fn, args).abortSignal(deadline);
    return { data, error, status, timedOut: deadline.aborted };
  }

  close(): void {
    this.#closed = true;
  }
}

/** A 401 from the API gateway about the anon key (renewing the user's token cannot help). */
function isGatewayRefusal(outcome: RpcOutcome): boolean {
  return /API key/i.test(outcome.error?.message ?? '');
}

/** The workspace argument of a function that takes one (absent: the personal workspace). */
const inWorkspace = (workspace: WorkspaceId | undefined): { p_workspace?: WorkspaceId } => (workspace === undefined ? {} : { p_workspace: workspace });

/** The answer, if it is the array a convoy function returns; else a clear error. */
function expectList<T>(data: unknown, url: string): T[] {
  if (Array.isArray(data)) return data as T[];
  throw new BackendError(`${url} answered something other than convoy's functions do (not a list): check supabase.url`, { retryable: false });
}

/** The answer, if it is the object a convoy function returns (`key` present); else a clear error. */
function expectShape<T>(data: unknown, key: string, url: string): T {
  if (typeof data === 'object' && data !== null && key in data) return data as T;
  throw new BackendError(`${url} answered something other than convoy's functions do (no "${key}"): check supabase.url`, { retryable: false });
}

const REFUSALS: Record<string, string> = { '42501': 'forbidden', '23505': 'exists', '22023': 'invalid' };

const AUTH_HELP = 'give a current one (convoy config set supabase.accessToken -, or CONVOY_SUPABASE_TOKEN), or set supabase.refreshToken so convoy renews it';

/** Classify a failed call. */
export function toBackendError(outcome: RpcOutcome, url: string, timeoutMs: number): BackendError {
  const { status, error } = outcome;
  const message = error?.message ?? '';
  const what = error?.code ? `${error.code}: ${message}` : message;
  if (status === 0) {
    const why = outcome.timedOut ? `no answer within ${timeoutMs} ms` : transportCause(error);
    return new BackendError(`cannot reach Supabase at ${url}: ${why}`, { retryable: true, offline: true });
  }
  // convoy's own refusals (src/gen/supabase/api.ts): 42501 not a member or
  // not an owner, 23505 a name already taken, 22023 invalid arguments. (An
  // anonymous caller's 42501 is a 401: no token, handled below.)
  const refusal = error?.code === undefined ? undefined : REFUSALS[error.code];
  if (refusal !== undefined && status !== 401 && status < 500) return new BackendError(message, { retryable: false, refusal });
  if (status === 401 || status === 403) {
    const text = isGatewayRefusal(outcome)
      ? `Supabase refused the anon key (${message}): check supabase.anonKey (the project's anon/publishable key)`
      : /JWT expired/i.test(message)
        ? `the Supabase access token has expired; ${AUTH_HELP}`
        : `Supabase refused the call as unauthenticated (HTTP ${status}, ${what}); ${AUTH_HELP}`;
    return new BackendError(text, { retryable: false, auth: true });
  }
  if (status === 404 && (error?.code === 'PGRST202' || error?.code === '42883')) {
    return new BackendError(
      `convoy's functions are missing from the Supabase project at ${url} (${what}); apply supabase/migrations (supabase db push)`,
      { retryable: false },
    );
  }
  if (status < 300) return new BackendError(`${url} answered something that is not JSON (${message.slice(0, 100)}); check supabase.url`, { retryable: false });
  const detail = what.length > 300 ? `${what.slice(0, 300)}…` : what;
  if (status === 408 || status === 429 || status >= 500) {
    return new BackendError(`Supabase answered HTTP ${status}: ${detail}`, { retryable: true });
  }
  if (status === 404) return new BackendError(`no Supabase API at ${url} (HTTP 404: ${detail}); check supabase.url`, { retryable: false });
  return new BackendError(`Supabase refused the call (HTTP ${status}): ${detail}`, { retryable: false });
}

/** postgrest-js reports a fetch failure's cause in its details: "Caused by: Error: <message> (<CODE>)". */
function transportCause(error: RpcOutcome['error']): string {
  const details = error?.details ?? '';
  const code = /^Caused by: .*\(([A-Z][A-Z0-9_]+)\)$/m.exec(details)?.[1];
  const cause = /^Caused by: \w+: (.+)$/m.exec(details)?.[1];
  return code ?? cause ?? describeCause({ cause: { message: error?.message } });
}
