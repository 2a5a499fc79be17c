/** Validators for the protocol's push results (src/schema/protocol.ts `OpResult`). */
import { v } from 'convex/values';
import { CONFLICT_POLICIES, WORKSPACE_ROLES } from '../../src/schema/protocol.js';
import { fieldValue } from './fields.js';

export const policyValidator = v.union(...CONFLICT_POLICIES.map((p) => v.literal(p)));
export const fieldsRecord = v.record(v.string(), fieldValue);

const identityValidator = v.object({ userId: v.string(), name: v.union(v.null(), v.string()) });

export const fieldConflictValidator = v.object({
  field: v.string(),
  local: fieldValue,
  remote: fieldValue,
  policy: policyValidator,
  winner: v.union(v.literal('local'), v.literal('remote'), v.literal('pending')),
  remoteWriter: v.optional(v.union(v.null(), identityValidator)),
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

export const roleValidator = v.union(...WORKSPACE_ROLES.map((r) => v.literal(r)));
export const workspaceInfoValidator = v.object({ id: v.string(), name: v.string(), role: roleValidator, personal: v.boolean() });
/** The caller and their workspaces (`WorkspaceList`). */
export const workspaceListValidator = v.object({ user: identityValidator, workspaces: v.array(workspaceInfoValidator) });
/** A workspace's members (`MemberInfo[]`). */
export const membersValidator = v.array(v.object({ userId: v.string(), role: roleValidator, name: v.union(v.null(), v.string()) }));

/** A combined pull's answer: one page per table asked, and the caller's workspaces (src/schema/protocol.ts `PullAllPage`). */
export const pullAllPageValidator = v.object({
  tables: v.record(v.string(), v.object({ changes: v.array(changeValidator), cursor: v.number(), hasMore: v.boolean() })),
  headVersion: v.number(),
  workspaces: workspaceListValidator,
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
  workspace: v.optional(v.string()),
  cursors: v.record(v.string(), v.number()),
  limit: v.number(),
  known: v.optional(v.object({ clientId: v.string(), versions: v.array(v.array(v.number())) })),
};
