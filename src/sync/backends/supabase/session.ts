/**
 * The user's Supabase session as the adapter needs it: the access token to
 * send, renewed through Supabase Auth's refresh grant
 * (`POST /auth/v1/token?grant_type=refresh_token`) when a refresh token is
 * configured and the access token is about to expire or was refused.
 * Supabase rotates refresh tokens: each renewal hands the new pair to
 * `onRefresh` so the caller can store it (the old refresh token stops working).
 * No SDK: one fetch, so nothing here loads supabase-js's auth client.
 */
import { BackendError } from '../../../errors.js';

/** Renew this long before the access token's `exp`. */
export const REFRESH_MARGIN_MS = 60_000;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface SessionOptions {
  /** Project URL without a trailing slash. */
  url: string;
  anonKey: string;
  accessToken: string | null;
  refreshToken: string | null;
  /** Stores the new pair; awaited, so a renewal counts only once the rotated refresh token is kept. */
  onRefresh?: (tokens: SessionTokens) => void | Promise<void>;
  timeoutMs: number;
  fetch: typeof fetch;
  now?: () => number;
}

/** The `exp` of a JWT in epoch ms, or null when it has none or is not a JWT. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

export class SupabaseSession {
  #accessToken: string | null;
  #refreshToken: string | null;
  #refreshing: Promise<void> | null = null;

  constructor(private readonly options: SessionOptions) {
    this.#accessToken = options.accessToken || null;
    this.#refreshToken = options.refreshToken || null;
  }

  /** The access token to send now (null: none, calls go out with the anon key and are refused). */
  get accessToken(): string | null {
    return this.#accessToken;
  }

  get canRefresh(): boolean {
    return this.#refreshToken !== null;
  }

  /** Renew the access token first if it is missing or expires within the margin and a refresh token is set. */
  async ensureFresh(): Promise<void> {
    if (!this.canRefresh) return;
    const expiry = this.#accessToken === null ? 0 : tokenExpiry(this.#accessToken);
    const now = (this.options.now ?? Date.now)();
    if (expiry !== null && expiry - now > REFRESH_MARGIN_MS) return;
    await this.refresh();
  }

  /** Renew now (one request at a time). Throws BackendError: offline, auth (refused) or retryable. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.options.url}/auth/v1/token?grant_type=refresh_token`, {
        method: 'POST',
        headers: { apikey: this.options.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: this.#refreshToken }),
        signal: deadline,
      });
      text = await response.text();
    } catch (error) {
      const why = deadline.aborted ? `no answer within ${this.options.timeoutMs} ms` : describeCause(error);
      throw new BackendError(`cannot reach Supabase Auth to renew the access token: ${why}`, { retryable: true, offline: true, cause: error });
    }
    const body = parseJson(text);
    if (response.ok && typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
      this.#accessToken = body.access_token;
      this.#refreshToken = body.refresh_token;
      await this.options.onRefresh?.({ accessToken: body.access_token, refreshToken: body.refresh_token });
      return;
    }
    const detail = String(body.msg ?? body.message ?? body.error_description ?? body.error ?? text.slice(0, 200));
    const status = response.status;
    if (status >= 500 || status === 429) {
      throw new BackendError(`Supabase Auth answered HTTP ${status} renewing the access token: ${detail}`, { retryable: true });
    }
    throw new BackendError(
      `Supabase refused the refresh token (HTTP ${status}: ${detail}); sign in again and store new tokens ` +
        '(convoy config set supabase.accessToken -, convoy config set supabase.refreshToken -)',
      { retryable: false, auth: true },
    );
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The most telling part of a fetch failure: the system error code when there is one. */
export function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
