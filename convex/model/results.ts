/** Validators for the protocol's push results (src/schema/protocol.ts `OpResult`). */
import { v } from 'convex/values';
import { CONFLICT_POLICIES } from '../../src/schema/protocol.js';
import { fieldValue } from './fields.js';

export const policyValidator = v.union(...CONFLICT_POLICIES.map((p) => v.literal(p)));
export const fieldsRecord = v.record(v.string(), fieldValue);

export const fieldConflictValidator = v.object({
  field: v.string(),
  local: fieldValue,
  remote: fieldValue,
  policy: policyValidator,
  winner: v.union(v.literal('local'), v.literal('remote'), v.literal('pending')),
});

export const opResultValidator = v.union(
  v.object({ seq: v.number(), status: v.literal('applied'), version: v.number(), fields: fieldsRecord }),
  v.object({ seq: v.number(), status: v.literal('merged'), version: v.number(), fields: fieldsRecord }),
  v.object({
    seq: v.number(),
    status: v.literal('conflict'),
    version: v.number(),
    fields: fieldsRecord,
    conflicts: v.array(fieldConflictValidator),
  }),
  v.object({ seq: v.number(), status: v.literal('rejected'), reason: v.string() }),
);

/** A record's state, as web writes return it. */
export const recordStateValidator = v.object({ recordId: v.string(), version: v.number(), fields: fieldsRecord });

export const pullPageValidator = v.object({
  changes: v.array(v.object({ recordId: v.string(), version: v.number(), fields: fieldsRecord })),
  cursor: v.number(),
  hasMore: v.boolean(),
  headVersion: v.number(),
});

const changeValidator = v.object({ recordId: v.string(), version: v.number(), fields: fieldsRecord });

/** A combined pull's answer: one page per table asked (src/schema/protocol.ts `PullAllPage`). */
export const pullAllPageValidator = v.object({
  tables: v.record(v.string(), v.object({ changes: v.array(changeValidator), cursor: v.number(), hasMore: v.boolean() })),
  headVersion: v.number(),
});

const checksumSum = v.object({ count: v.number(), digest: v.string() });

/** A checksum answer (src/schema/protocol.ts `ChecksumAnswer`). */
export const checksumAnswerValidator = v.object({
  count: v.number(),
  digest: v.string(),
  buckets: v.union(v.null(), v.record(v.string(), checksumSum)),
  records: v.union(v.null(), v.array(changeValidator)),
  headVersion: v.number(),
});

/** A combined pull's request (`PullAllRequest`). */
export const pullAllArgs = {
  cursors: v.record(v.string(), v.number()),
  limit: v.number(),
  known: v.optional(v.object({ clientId: v.string(), versions: v.array(v.array(v.number())) })),
};
