/**
 * `POST /rest/v1/rpc/<fn>` as PostgREST (v12) answers it: the JSON body's
 * keys are the function's named arguments; the call runs in a transaction
 * after `set local role <claims.role>` and `request.jwt.claims` (and
 * request.method/path/headers) are set, so auth.uid() and row-level security
 * see the caller; PostgreSQL errors come back as `{code, message, details,
 * hint}` with PostgREST's status codes. Only functions in schema public
 * returning one value are served (convoy's are all jsonb).
 */
import type { JWTPayload } from 'jose';
import type { Database, SqlSession } from './database.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface FunctionInfo {
  args: { name: string; type: string }[];
  required: number;
  returns: string;
}

const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

export const pgrstError = (status: number, code: string, message: string, details: string | null = null, hint: string | null = null): Reply => ({
  status,
  body: { code, details, hint, message },
});

/** PostgREST's mapping of SQLSTATE to HTTP status. */
export function httpStatusFor(sqlState: string, authenticated: boolean): number {
  if (/^PT\d{3}$/.test(sqlState)) return Number(sqlState.slice(2));
  const exact: Record<string, number> = { '23503': 409, '23505': 409, '25006': 405, P0001: 400, '42883': 404, '42P01': 404, '42P17': 500 };
  if (sqlState in exact) return exact[sqlState]!;
  if (sqlState === '42501') return authenticated ? 403 : 401;
  const byClass: Record<string, number> = { '08': 503, '09': 500, '0L': 403, '0P': 403, '25': 500, '28': 403, '2D': 500, '38': 500, '39': 500, '3B': 500, '40': 500, '53': 503, '54': 500, '55': 500, '57': 500, '58': 500, F0: 500, HV: 500, P0: 500, XX: 500 };
  return byClass[sqlState.slice(0, 2)] ?? 400;
}

/** The database role a request runs as: its token's role when it is an API role, else anon. */
export const apiRole = (claims: JWTPayload): string => (typeof claims.role === 'string' && API_ROLES.has(claims.role) ? claims.role : 'anon');

export class RpcHandler {
  /** PostgREST's schema cache: function signatures, loaded on first call. */
  readonly #functions = new Map<string, FunctionInfo | null>();

  constructor(private readonly db: Database) {}

  /** Call public.<fn> with `body` as named arguments, as the role in `claims`. */
  async call(fn: string, body: unknown, claims: JWTPayload, headers: Record<string, string | string[] | undefined>): Promise<Reply> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return pgrstError(400, 'PGRST102', 'Empty or invalid json');
    }
    const args = body as Record<string, unknown>;
    const info = await this.#lookup(fn);
    const names = Object.keys(args);
    const known = info?.args.map((a) => a.name) ?? [];
    const missing = info?.args.slice(0, info.required).some((a) => !(a.name in args)) ?? true;
    if (!info || missing || names.some((n) => !known.includes(n))) {
      return pgrstError(
        404,
        'PGRST202',
        `Could not find the function public.${fn}(${[...names].sort().join(', ')}) in the schema cache`,
        `Searched for the function public.${fn} with parameters ${[...names].sort().join(', ') || 'none'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      );
    }
    const role = apiRole(claims);
    const params: unknown[] = [];
    const bound = info.args
      .filter((a) => a.name in args)
      .map((a) => {
        const value = args[a.name];
        params.push(value === null || value === undefined ? null : JSON.stringify(value));
        const p = `$${params.length}`;
        return /^jsonb?$/.test(a.type) ? `"${a.name}" := ${p}::${a.type}` : `"${a.name}" := (${p}::jsonb #>> '{}')::${a.type}`;
      });
    const call = `select to_jsonb(public."${fn}"(${bound.join(', ')})) as result`;
    try {
      const result = await this.db.transaction(async (s) => {
        await setRequestContext(s, role, claims, `rpc/${fn}`, headers);
        return (await s.query(call, params))[0]?.result;
      });
      return info.returns === 'void' ? { status: 204, body: undefined } : { status: 200, body: result ?? null };
    } catch (error) {
      return pgError(error, role !== 'anon');
    }
  }

  async #lookup(fn: string): Promise<FunctionInfo | null | undefined> {
    if (!this.#functions.has(fn)) {
      const rows = await this.db.query(
        `select coalesce(p.proargnames, '{}') as names,
                array(select format_type(t, null) from unnest(p.proargtypes::oid[]) t) as types,
                p.pronargs - p.pronargdefaults as required, format_type(p.prorettype, null) as returns
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and p.proname = $1 and not p.proretset`,
        [fn],
      );
      const row = rows[0];
      const info = row && {
        args: (row.types as string[]).map((type, i) => ({ name: (row.names as string[])[i] ?? '', type })),
        required: Number(row.required),
        returns: row.returns as string,
      };
      this.#functions.set(fn, info ?? null);
    }
    return this.#functions.get(fn);
  }
}

/** What PostgREST sets up in a request's transaction: the role, then the claims, method, path and headers. */
export async function setRequestContext(s: SqlSession, role: string, claims: JWTPayload, path: string, headers: Record<string, unknown>, method = 'POST') {
  await s.query(`set local role ${role}`);
  await s.query(
    `select set_config('request.jwt.claims', $1, true), set_config('request.method', $4, true),
            set_config('request.path', $2, true), set_config('request.headers', $3, true)`,
    [JSON.stringify(claims), `/${path}`, JSON.stringify(headers), method],
  );
}

/** A PostgreSQL error as PostgREST reports it. */
export function pgError(error: unknown, authenticated: boolean): Reply {
  const e = error as { code?: string; message?: string; detail?: string; hint?: string };
  if (typeof e.code !== 'string') return pgrstError(500, 'PGRST000', String((error as Error)?.message ?? error));
  return pgrstError(httpStatusFor(e.code, authenticated), e.code, e.message ?? '', e.detail ?? null, e.hint ?? null);
}
