/**
 * PostgREST's table endpoints, as far as supabase-js's `from(table)` uses
 * them for a web app writing convoy's tables directly:
 *   GET   /rest/v1/<table>?select=a,b&<col>=<op>.<value>   select (200, a JSON array)
 *   POST  /rest/v1/<table>                                insert an object or an array (201)
 *   PATCH /rest/v1/<table>?<col>=<op>.<value>             update the matching rows (200 or 204)
 * Filters: eq, neq, gt, gte, lt, lte, is (null, true, false) and in.(a,b).
 * `Prefer: return=representation` answers the written rows (their `select`
 * columns), else nothing. Every call runs as the caller's role with their
 * claims (postgrest.ts), so row-level security decides what is seen and
 * written, as on Supabase. Only tables in schema public are served.
 */
import type { JWTPayload } from 'jose';
import type { Database } from './database.js';
import { pgError, pgrstError, setRequestContext, type Reply } from './postgrest.js';

const IDENT = /^[a-z_][a-z0-9_]*$/;
const OPS: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const RESERVED = new Set(['select', 'columns', 'order', 'limit', 'offset', 'on_conflict', 'apikey']);

export interface TableRequest {
  method: string;
  table: string;
  query: URLSearchParams;
  body: unknown;
  prefer: string;
  role: string;
  claims: JWTPayload;
  headers: Record<string, string | string[] | undefined>;
}

/** The select list as one jsonb object per row of `w`, or a reply refusing it. */
function projection(select: string | null): string | Reply {
  const columns = (select ?? '*').split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (columns.length === 0 || columns.includes('*')) return 'to_jsonb(w)';
  const bad = columns.find((c) => !IDENT.test(c));
  if (bad !== undefined) return pgrstError(400, 'PGRST100', `"failed to parse select parameter (${select})"`);
  return `jsonb_build_object(${columns.map((c) => `'${c}', w.${c}`).join(', ')})`;
}

/** The WHERE clause of the query's filters, its values appended to `params`; or a reply refusing it. */
function filters(query: URLSearchParams, params: unknown[]): string | Reply {
  const terms: string[] = [];
  for (const [column, filter] of query) {
    if (RESERVED.has(column)) continue;
    if (!IDENT.test(column)) return pgrstError(400, 'PGRST100', `"failed to parse filter (${column})"`);
    const dot = filter.indexOf('.');
    const [op, value] = [filter.slice(0, dot), filter.slice(dot + 1)];
    if (op in OPS) {
      params.push(value);
      terms.push(`t.${column}::text ${OPS[op]} $${params.length}`);
    } else if (op === 'is' && ['null', 'true', 'false'].includes(value)) {
      terms.push(`t.${column} is ${value}`);
    } else if (op === 'in' && /^\(.*\)$/.test(value)) {
      params.push(value.slice(1, -1).split(',').map((v) => v.replace(/^"(.*)"$/, '$1')));
      terms.push(`t.${column}::text = any ($${params.length}::text[])`);
    } else {
      return pgrstError(400, 'PGRST100', `"failed to parse filter (${filter})"`);
    }
  }
  return terms.length === 0 ? 'true' : terms.join(' and ');
}

/** Answer one table request as PostgREST would. */
export async function handleTable(db: Database, request: TableRequest): Promise<Reply> {
  const { table, query, method } = request;
  if (!IDENT.test(table) || !(await isPublicTable(db, table))) {
    return pgrstError(404, 'PGRST205', `Could not find the table 'public.${table}' in the schema cache`);
  }
  const select = projection(query.get('select'));
  if (typeof select !== 'string') return select;
  const params: unknown[] = [];
  if (method === 'POST' || method === 'PATCH') params.push(JSON.stringify(request.body));
  const where = method === 'POST' ? 'true' : filters(query, params);
  if (typeof where !== 'string') return where;
  let write: string;
  if (method === 'GET') {
    write = `select t.* from public.${table} t where ${where}`;
  } else if (method === 'POST' || method === 'PATCH') {
    const first = Array.isArray(request.body) ? request.body[0] : request.body;
    const columns = typeof first === 'object' && first !== null ? Object.keys(first) : [];
    const bad = columns.find((c) => !IDENT.test(c));
    if (columns.length === 0 || bad !== undefined) return pgrstError(400, 'PGRST102', 'Empty or invalid json');
    const list = columns.join(', ');
    write =
      method === 'POST'
        ? `insert into public.${table} (${list}) select ${list} from jsonb_populate_recordset(null::public.${table}, ` +
          `case jsonb_typeof($1::jsonb) when 'array' then $1::jsonb else jsonb_build_array($1::jsonb) end) returning *`
        : `update public.${table} t set ${columns.map((c) => `${c} = (jsonb_populate_record(null::public.${table}, $1::jsonb)).${c}`).join(', ')} ` +
          `where ${where} returning t.*`;
  } else {
    return pgrstError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
  }
  const sql = `with w as (${write}) select coalesce(jsonb_agg(${select}), '[]') as rows from w`;
  try {
    const rows = await db.transaction(async (s) => {
      await setRequestContext(s, request.role, request.claims, table, request.headers, method);
      return (await s.query(sql, params))[0]?.rows;
    });
    if (method === 'GET') return { status: 200, body: rows };
    const representation = /return=representation/.test(request.prefer);
    const status = method === 'POST' ? 201 : representation ? 200 : 204;
    return { status, body: representation ? rows : undefined };
  } catch (error) {
    return pgError(error, request.role !== 'anon');
  }
}

async function isPublicTable(db: Database, table: string): Promise<boolean> {
  const rows = await db.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relname = $1 and c.relkind in ('r', 'v', 'p')`, [table]);
  return rows.length > 0;
}
