/**
 * Field-level conflict settlement for a pushed update. Pure: no database, so
 * the rules can be read (and tested) on their own.
 */
import type { ConflictPolicy, FieldConflict, Fields } from '../protocol.js';

export interface SettleInput {
  /** The op's changed fields. */
  fields: Fields;
  /** Server version the op was based on; null when the client never saw the record. */
  baseVersion: number | null;
  /** Client wall clock of the op (ms); only last-write-wins reads it. */
  clientTime: number;
  clientId: string;
  policy: ConflictPolicy;
  /** The record as stored now. */
  current: Fields;
  fieldVersions: Record<string, number>;
  fieldWriters: Record<string, string>;
  fieldTimes: Record<string, number>;
}

export interface Settlement {
  /** Values to store: non-conflicting fields plus conflicts the op won. */
  writes: Fields;
  conflicts: FieldConflict[];
  /** Some field was changed by another writer since the op's base (merge, not plain apply). */
  othersChanged: boolean;
}

/**
 * Decide, field by field, what an update stores. A field is in conflict when
 * another writer changed it after the op's base version and the server value
 * differs from the op's; a replica's own earlier writes never conflict with
 * it. Conflicts are settled by `policy`: local-wins takes the op value,
 * remote-wins keeps the server's, last-write-wins takes the later wall clock
 * (a tie keeps the server value), manual keeps the server's until resolved.
 */
export function settleUpdate(input: SettleInput): Settlement {
  const base = input.baseVersion ?? 0;
  const changedByOther = (f: string) =>
    (input.fieldVersions[f] ?? 0) > base && input.fieldWriters[f] !== input.clientId;
  const writes: Fields = {};
  const conflicts: FieldConflict[] = [];
  for (const [field, local] of Object.entries(input.fields)) {
    const remote = input.current[field] ?? null;
    if (remote === local) continue;
    if (!changedByOther(field)) {
      writes[field] = local;
      continue;
    }
    const winner = decide(input, field);
    if (winner === 'local') writes[field] = local;
    conflicts.push({ field, local, remote, policy: input.policy, winner });
  }
  const othersChanged = Object.keys(input.fieldVersions).some(changedByOther);
  return { writes, conflicts, othersChanged };
}

function decide(input: SettleInput, field: string): FieldConflict['winner'] {
  switch (input.policy) {
    case 'local-wins':
      return 'local';
    case 'remote-wins':
      return 'remote';
    case 'last-write-wins':
      return input.clientTime > (input.fieldTimes[field] ?? 0) ? 'local' : 'remote';
    case 'manual':
      return 'pending';
  }
}
