/**
 * The workspace functions (convex/workspaces.ts): thin wrappers over the
 * decisions in src/schema/server/workspaces.ts with a `ConvexWorkspaceStore`
 * over ctx.db. They touch no synced table, so every registry shares them.
 */
import { mutationGeneric, queryGeneric, type Auth, type GenericDatabaseWriter, type GenericDataModel } from 'convex/server';
import { v } from 'convex/values';
import type { Identity, WorkspaceRole } from '../../src/schema/protocol.js';
import * as decide from '../../src/schema/server/workspaces.js';
import { refusing } from './functions.js';
import { requireIdentity } from './identity.js';
import { membersValidator, roleValidator, workspaceInfoValidator, workspaceListValidator } from './results.js';
import { ConvexWorkspaceStore } from './workspaces.js';

/** Run a member change as the caller (remembering their display name), its refusals as ConvexErrors. */
function changing<T>(ctx: { auth: Auth; db: GenericDatabaseWriter<GenericDataModel> }, run: (store: ConvexWorkspaceStore, caller: Identity) => Promise<T>): Promise<T> {
  return refusing(async () => {
    const caller = await requireIdentity(ctx);
    const store = new ConvexWorkspaceStore(ctx.db, ctx.db);
    await decide.rememberCaller(store, caller);
    return await run(store, caller);
  });
}

export const workspaceFunctions = {
  /** `workspaces:list`: the caller and their workspaces, personal first, then by name. Read-only. */
  list: queryGeneric({
    args: {},
    returns: workspaceListValidator,
    handler: async (ctx) => await decide.listWorkspaces(new ConvexWorkspaceStore(ctx.db), await requireIdentity(ctx)),
  }),
  /** `workspaces:create`: a new workspace with the caller as its owner. ConvexError codes: `invalid` (field `name`), `exists`. */
  create: mutationGeneric({
    args: { name: v.string() },
    returns: workspaceInfoValidator,
    handler: async (ctx, { name }) =>
      await changing(ctx, (store, caller) => decide.createWorkspace(store, caller, name)),
  }),
  /** `workspaces:members`: the members of `workspace`, by user id; the caller must be one (else `forbidden`). Read-only. */
  members: queryGeneric({
    args: { workspace: v.string() },
    returns: membersValidator,
    handler: async (ctx, { workspace }) =>
      await refusing(async () => decide.listMembers(new ConvexWorkspaceStore(ctx.db), await requireIdentity(ctx), workspace)),
  }),
  /** `workspaces:addMember`: add `userId` with `role`, or change their role. Owners only. Idempotent. ConvexError codes: `forbidden`, `invalid`. */
  addMember: mutationGeneric({
    args: { workspace: v.string(), userId: v.string(), role: roleValidator },
    returns: membersValidator,
    handler: async (ctx, a: { workspace: string; userId: string; role: WorkspaceRole }) =>
      await changing(ctx, (store, caller) => decide.addMember(store, caller, a.workspace, a.userId, a.role)),
  }),
  /** `workspaces:removeMember`: remove `userId` (owners), or leave (anyone). Idempotent. ConvexError codes: `forbidden`, `invalid`. */
  removeMember: mutationGeneric({
    args: { workspace: v.string(), userId: v.string() },
    returns: membersValidator,
    handler: async (ctx, a) =>
      await changing(ctx, (store, caller) => decide.removeMember(store, caller, a.workspace, a.userId)),
  }),
};
