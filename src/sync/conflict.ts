/**
 * Pure conflict and retry rules of the client side of the sync protocol.
 * No database, no network: unit-tested on their own.
 */
import type { FieldConflict, Fields, OpResult } from '../schema/protocol.js';

/**
 * The fields of a pulled record that may be written locally: a field with a
 * pending local op is never clobbered by a pull — it wins or loses at the
 * next push instead.
 */
export function mergeRemote(remote: Fields, pendingFields: ReadonlySet<string> | undefined): Fields {
  if (!pendingFields || pendingFields.size === 0) return remote;
  const out: Fields = {};
  for (const [field, value] of Object.entries(remote)) if (!pendingFields.has(field)) out[field] = value;
  return out;
}

export interface ResultEffect {
  /** Local fields to set to the server's value (remote or held winners). */
  adopt: Fields;
  /** Every conflict the server reported, to be recorded. */
  conflicts: FieldConflict[];
  /** True when a conflict waits for `convoy resolve` (manual policy). */
  held: boolean;
}

type Accepted = Exclude<OpResult, { status: 'rejected' }>;

/**
 * What an accepted push result means locally. The result carries the
 * record's full server state after the op; the replica adopts it (that is how
 * fields merged from other writers, and remote winners, arrive) — except
 * fields changed locally while the push was in flight (their newer ops are
 * still queued and will be settled on their own) and fields held by a manual
 * conflict (the local value stays until the user resolves).
 */
export function effectOfResult(result: Accepted, newerPendingFields: ReadonlySet<string>): ResultEffect {
  const conflicts = result.status === 'conflict' ? result.conflicts : [];
  const held = new Set(conflicts.filter((c) => c.winner === 'pending').map((c) => c.field));
  const adopt: Fields = {};
  for (const [field, value] of Object.entries(result.fields)) {
    if (!newerPendingFields.has(field) && !held.has(field)) adopt[field] = value;
  }
  return { adopt, conflicts, held: held.size > 0 };
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay fixed,
 * half random, so retries spread out but never come back immediately.
 * `attempt` counts from 1.
 */
export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 1_000, capMs = 60_000, random = Math.random } = options;
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
