/** The checksum `convoy verify` compares with its replica's, over any `SyncStore`. Read-only and safe to repeat. */
import { canonicalText, digestOfHash, isChecksumSuffix, summarize } from '../checksum.js';
import type { ChecksumAnswer, ChecksumRequest } from '../protocol.js';
import { findTable, type Registry } from '../registry.js';
import { MAX_PULL_LIMIT } from './read.js';
import { recordFields } from './records.js';
import { ServerError, type SyncStore } from './store.js';

const encoder = new TextEncoder();

/** SHA-256 of the text's UTF-8 bytes, as hex (Web Crypto: in Convex's runtime and in Node). */
async function sha256Hex(text: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The workspace's records of `request.table` whose id ends with `request.suffix`:
 * their count and digest (src/schema/checksum.ts), and either their buckets
 * by the id's next character (more than CHECKSUM_LEAF records) or the
 * records themselves, as a pull gives them, in id order. Reads every record
 * of the table (in pages of 1,000). Throws ServerError `bad_request` for an
 * unknown table or a suffix that is not the end of a lowercase UUID.
 */
export async function checksum(store: SyncStore, registry: Registry, request: ChecksumRequest): Promise<ChecksumAnswer> {
  const table = findTable(request.table, registry);
  if (table === undefined) throw new ServerError('bad_request', `unknown table ${JSON.stringify(request.table)}`);
  if (!isChecksumSuffix(request.suffix)) throw new ServerError('bad_request', 'suffix must be the last characters of a lowercase UUID (0-9, a-f, -)');
  const matching = [];
  for (let version = 0; ; ) {
    const rows = await store.recordsAbove(table.name, version, MAX_PULL_LIMIT);
    for (const row of rows) if (row.recordId.endsWith(request.suffix)) matching.push(row);
    if (rows.length < MAX_PULL_LIMIT) break;
    version = rows.at(-1)!.version;
  }
  const digested = await Promise.all(
    matching.map(async (row) => {
      const fields = recordFields(table, row);
      return { recordId: row.recordId, digest: digestOfHash(await sha256Hex(canonicalText(table, row.recordId, fields))), version: row.version, fields };
    }),
  );
  const { count, digest, buckets } = summarize(digested, request.suffix);
  const records = buckets === null
    ? digested.sort((a, b) => (a.recordId < b.recordId ? -1 : 1)).map(({ recordId, version, fields }) => ({ recordId, version, fields }))
    : null;
  return { count, digest, buckets, records, headVersion: await store.readCounter() };
}
