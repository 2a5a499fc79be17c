/**
 * Pure conflict and retry rules of the client side of the sync protocol.
 * No database, no network: unit-tested on their own.
 */
import type { FieldConflict, Fields, OpResult } from './protocol.js';

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
 * What an accepted push result means locally. Fields where the server kept
 * its value are adopted, unless a newer local op on that field is still
 * queued (that op will be pushed next and settled on its own). For held
 * (manual) conflicts the local value is kept until the user resolves.
 */
export function effectOfResult(result: Accepted, newerPendingFields: ReadonlySet<string>): ResultEffect {
  if (result.status !== 'conflict') return { adopt: {}, conflicts: [], held: false };
  const adopt: Fields = {};
  for (const c of result.conflicts) {
    if (c.winner === 'remote' && !newerPendingFields.has(c.field)) adopt[c.field] = c.remote;
  }
  return { adopt, conflicts: result.conflicts, held: result.conflicts.some((c) => c.winner === 'pending') };
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
