/**
 * Part 5 of the generated SQL: the checksum `convoy verify` compares
 * (src/schema/server/checksum.ts, src/schema/checksum.ts): a record's
 * canonical text built from the declarations, its 64-bit digest, and
 * convoy_checksum. test/servers/supabase/parity.test.ts and the backend
 * contract keep it equal to the TypeScript.
 */
import { nullStoredAs, type FieldDecl, type TableDecl } from '../../schema/declare.js';
import { CHECKSUM_LEAF } from '../../schema/protocol.js';
import type { Registry } from '../../schema/registry.js';
import { fieldsOf, lit, perTable } from './sql.js';

/** canonicalText's part for one field of jsonb row `p_row`: '|' then n, d<number> or s<length>:<text>. */
function fieldPart(col: string, decl: FieldDecl): string {
  const stored = nullStoredAs(decl);
  const raw = `(p_row ->> ${lit(col)})`;
  const value = typeof stored === 'string' ? `coalesce(${raw}, ${lit(stored)})` : raw;
  const some = decl.type.kind === 'time' ? `'d' || ${value}` : `'s' || char_length(${value}) || ':' || ${value}`;
  return `'|' || case when ${value} is null then 'n' else ${some} end`;
}

function tableText(table: TableDecl): string {
  return `p_id || ${fieldsOf(table).map(([, col, decl]) => fieldPart(col, decl)).join('\n      || ')}`;
}

/** One record's digest as a bigint (for bit_xor), in a format() string over row alias `t`, table %L. */
const DIGEST = 'convoy.record_digest(%L, t.record_id::text, to_jsonb(t))';

export function verifySql(registry: Registry): string {
  return `-- Part 5: the checksum convoy verify compares (src/schema/checksum.ts).

-- canonicalText: the record's id, then each synced field as n (null),
-- d<number> (times, as JSON writes them) or s<code points>:<text>, with null
-- optional text read as '' and a null defaulted enum as its default.
create or replace function convoy.checksum_text(p_table text, p_id text, p_row jsonb) returns text
language sql immutable as $$
  select ${perTable(registry, 'p_table', tableText)}
$$;

-- A record's digest: the first 64 bits of its canonical text's SHA-256, as a
-- bigint (bit_xor sums them; to_hex gives the 16 hex digits back).
create or replace function convoy.record_digest(p_table text, p_id text, p_row jsonb) returns bigint
language sql immutable as $$
  select ('x' || substr(encode(sha256(convert_to(convoy.checksum_text(p_table, p_id, p_row), 'UTF8')), 'hex'), 1, 16))::bit(64)::bigint
$$;

-- The workspace's records of p_table whose id ends with p_suffix: {count,
-- digest (XOR of the records' digests), buckets, records, headVersion}.
-- Above ${CHECKSUM_LEAF} records, buckets by the id's character before the suffix
-- (each {count, digest}) and records null; else the records, as convoy_pull
-- gives them, in id order, and buckets null. Read-only.
create or replace function public.convoy_checksum(p_table text, p_suffix text, p_workspace text default null) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_ws uuid := convoy.workspace_of(p_workspace);
  v_count integer;
  v_digest bigint;
  v_buckets jsonb;
  v_records jsonb;
  v_from text;
begin
  perform convoy.check_table(p_table);
  if p_suffix is null or p_suffix !~ '^[0-9a-f-]{0,36}$' then
    raise exception using errcode = '22023', message = 'suffix must be the last characters of a lowercase UUID (0-9, a-f, -)';
  end if;
  v_from := format('from public.%I t where t.workspace_id = $1 and right(t.record_id::text, $2) = $3', p_table);
  execute format('select count(*)::integer, coalesce(bit_xor(${DIGEST}), 0) %s', p_table, v_from)
    into v_count, v_digest using v_ws, char_length(p_suffix), p_suffix;
  if v_count > ${CHECKSUM_LEAF} then
    execute format('select jsonb_object_agg(b.k, jsonb_build_object(''count'', b.n, ''digest'', lpad(to_hex(b.x), 16, ''0''))) from ('
      || 'select substr(t.record_id::text, 36 - $2, 1) as k, count(*)::integer as n, bit_xor(${DIGEST}) as x %s group by 1) b',
      p_table, v_from) into v_buckets using v_ws, char_length(p_suffix), p_suffix;
  else
    execute format('select coalesce(jsonb_agg(jsonb_build_object(''recordId'', t.record_id, ''version'', t.version, '
      || '''fields'', convoy.row_fields(%L, to_jsonb(t))) order by t.record_id::text collate "C"), ''[]'') %s', p_table, v_from)
      into v_records using v_ws, char_length(p_suffix), p_suffix;
  end if;
  return jsonb_build_object('count', v_count, 'digest', lpad(to_hex(v_digest), 16, '0'), 'buckets', v_buckets,
    'records', v_records, 'headVersion', convoy.head(v_ws));
end $$;`;
}
