/**
 * The checksum `convoy verify` compares between a replica and the server,
 * derived from the table declarations. A record's digest is the first 64
 * bits of the SHA-256 of its canonical text (its id and every synced field,
 * in declaration order); a set's digest is the XOR of its records' digests,
 * so any subset (a bucket of ids) sums the same way wherever it is computed.
 * The generated SQL (src/gen/supabase/verify.ts) builds the same text;
 * the parity tests keep it so.
 *
 * Pure and leaf: the hash itself is the caller's (Web Crypto on the server,
 * node:crypto in the CLI), over the UTF-8 bytes of the canonical text.
 */
import { nullStoredAs, type FieldDecl, type TableDecl } from './declare.js';
import { CHECKSUM_LEAF, type ChecksumSum, type FieldValue, type Fields } from './protocol.js';

export const EMPTY_DIGEST = '0000000000000000';

/** Ids are lowercase UUIDs: a suffix is some of their last characters. */
const SUFFIX = /^[0-9a-f-]{0,36}$/;

export function isChecksumSuffix(suffix: unknown): suffix is string {
  return typeof suffix === 'string' && SUFFIX.test(suffix);
}

/**
 * The value both sides compare: what the replica stores for it. Optional
 * text reads null as '' and a defaulted enum null as its default (the
 * replica's NOT NULL columns), so a web app's null and a replica's '' agree.
 */
export function storedValue(decl: FieldDecl, value: FieldValue | undefined): FieldValue {
  return value ?? nullStoredAs(decl) ?? null;
}

/** 'n' for null, 'd' + the number as JSON writes it, or 's' + its length in code points + ':' + the string. */
function encode(value: FieldValue): string {
  if (value === null) return 'n';
  if (typeof value === 'number') return `d${String(value)}`;
  return `s${[...value].length}:${value}`;
}

/** The text a record's digest is taken of: its id, then each synced field ('|' before each). */
export function canonicalText(table: TableDecl, recordId: string, fields: Fields): string {
  let text = recordId;
  for (const name of table.fieldNames) text += `|${encode(storedValue(table.fields[name]!, fields[name]))}`;
  return text;
}

/** The first 64 bits of a SHA-256 given as hex: a record's digest. */
export const digestOfHash = (sha256Hex: string): string => sha256Hex.slice(0, 16);

/** XOR of two digests. */
export function xorDigests(a: string, b: string): string {
  return (BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(16).padStart(16, '0');
}

/** A record with its digest, for summing. */
export interface DigestedRecord {
  recordId: string;
  digest: string;
}

/** The bucket of `recordId` under `suffix`: the id's character just before it. */
export const bucketOf = (recordId: string, suffix: string): string => recordId.charAt(recordId.length - suffix.length - 1);

/** Count and XOR of `records`. */
export function sumOf(records: Iterable<DigestedRecord>): ChecksumSum {
  let count = 0;
  let digest = 0n;
  for (const r of records) {
    count++;
    digest ^= BigInt(`0x${r.digest}`);
  }
  return { count, digest: digest.toString(16).padStart(16, '0') };
}

/** The answer's sum and, above CHECKSUM_LEAF records, its buckets (see ChecksumAnswer). Records must all end with `suffix`. */
export function summarize(records: readonly DigestedRecord[], suffix: string): ChecksumSum & { buckets: Record<string, ChecksumSum> | null } {
  const total = sumOf(records);
  if (total.count <= CHECKSUM_LEAF) return { ...total, buckets: null };
  const groups = new Map<string, DigestedRecord[]>();
  for (const r of records) {
    const key = bucketOf(r.recordId, suffix);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const buckets: Record<string, ChecksumSum> = {};
  for (const key of [...groups.keys()].sort()) buckets[key] = sumOf(groups.get(key)!);
  return { ...total, buckets };
}
