/**
 * The convoy Convex functions for a registry of synced tables: thin wrappers
 * that check the caller's identity and their membership of the workspace the
 * call names (absent: their personal one), give the server half of the
 * protocol (src/schema/server/) a `ConvexStore` of that workspace over
 * ctx.db, and turn its refusals into `ConvexError`s. convex/push.ts, pull.ts and web.ts export them for the
 * app's registry (src/schema/tables.ts); a test server builds the same
 * functions for another registry (src/dev/servers/convex/runtime.ts).
 */
import { mutationGeneric, queryGeneric, type Auth, type GenericDatabaseReader, type GenericDatabaseWriter, type GenericDataModel } from 'convex/server';
import { ConvexError, v, type Validator } from 'convex/values';
import type { ChecksumRequest, Fields, PullAllRequest, PushOp } from '../../src/schema/protocol.js';
import type { Registry } from '../../src/schema/registry.js';
import { checksum } from '../../src/schema/server/checksum.js';
import { applyPush } from '../../src/schema/server/push.js';
import { pullAll } from '../../src/schema/server/pull-all.js';
import { headVersion, pullPage } from '../../src/schema/server/read.js';
import { ServerError } from '../../src/schema/server/store.js';
import { applyWebWrite } from '../../src/schema/server/web.js';
import { listWorkspaces, rememberCaller, resolveWorkspace } from '../../src/schema/server/workspaces.js';
import { requireIdentity } from './identity.js';
import { checksumAnswerValidator, fieldsRecord, opResultValidator, policyValidator, pullAllArgs, pullAllPageValidator, pullPageValidator, recordStateValidator } from './results.js';
import { ConvexStore } from './store.js';
import { ConvexWorkspaceStore } from './workspaces.js';

/** Where each function lives in convex/ ("module:export"), as `api` names them. */
export const FUNCTION_MODULES = { push: ['push'], pull: ['pull', 'pullAll', 'checksum', 'head'], web: ['create', 'update'] } as const;

/** Every data function's optional workspace argument: absent means the caller's personal workspace. */
const workspaceArg = { workspace: v.optional(v.string()) };

/** One of `names` (at least one). */
function literals(names: readonly string[]): Validator<string, 'required', string> {
  const members = names.map((name) => v.literal(name));
  return (members.length === 1 ? members[0]! : v.union(...members)) as Validator<string, 'required', string>;
}

/**
 * A push op. Its table must be declared (else the call fails argument
 * validation); its field names are checked by `applyPush` (an undeclared one
 * fails the call too, as in the Supabase SQL), its values per op by
 * `checkFields`, so one bad value rejects one op rather than failing the batch
 * and wedging the queue behind it. (One object shape per table would check
 * the names here, but convex-test pays for every union member an op does not
 * match with a thrown error: pushes took 1.5x as long.)
 */
function opValidator(table: Validator<string, 'required', string>): Validator<PushOp, 'required', string> {
  return v.object({
    seq: v.number(),
    table,
    recordId: v.string(),
    kind: v.union(v.literal('create'), v.literal('update')),
    fields: fieldsRecord,
    baseVersion: v.union(v.null(), v.number()),
    clientTime: v.number(),
  });
}

/** Run the server half; its refusals become ConvexErrors carrying `{code, message, field?}`. */
export async function refusing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ServerError) throw new ConvexError(error.toData());
    throw error;
  }
}

const cache = new WeakMap<Registry, ReturnType<typeof buildFunctions>>();

/** The functions for `registry` (built once per registry object). */
export function syncFunctions(registry: Registry): ReturnType<typeof buildFunctions> {
  let built = cache.get(registry);
  if (built === undefined) cache.set(registry, (built = buildFunctions(registry)));
  return built;
}

type Reader = GenericDatabaseReader<GenericDataModel>;
type Writer = GenericDatabaseWriter<GenericDataModel>;

function buildFunctions(registry: Registry) {
  const table = literals(registry.map((t) => t.name));
  /**
   * The caller, and a store of the workspace the call names; refused
   * (`forbidden`) before anything is read for a non-member. `db` is ctx.db
   * in a mutation (which also remembers the caller's display name), null in
   * a query.
   */
  const open = async (ctx: { auth: Auth; db: Reader }, workspace: string | undefined, db: Writer | null) => {
    const caller = await requireIdentity(ctx);
    const workspaces = new ConvexWorkspaceStore(ctx.db, db);
    if (db !== null) await rememberCaller(workspaces, caller);
    const id = await resolveWorkspace(workspaces, caller.userId, workspace);
    return { caller, workspaces, store: new ConvexStore(registry, id, ctx.db, db) };
  };
  const webArgs = { ...workspaceArg, table, recordId: v.string(), fields: fieldsRecord };
  const webWrite = (kind: 'create' | 'update') =>
    mutationGeneric({
      args: webArgs,
      returns: recordStateValidator,
      handler: async (ctx, { workspace, ...a }: { workspace?: string; table: string; recordId: string; fields: Fields }) =>
        await refusing(async () => applyWebWrite((await open(ctx, workspace, ctx.db)).store, registry, { ...a, kind, now: Date.now() })),
    });
  return {
    /**
     * `push`: apply a replica's queued ops to the batch's workspace, in
     * order, in one transaction (src/schema/server/push.ts `applyPush` has
     * the contract). Throws ConvexError (nothing applied) for a malformed
     * batch (`bad_request`, `batch_too_large`), `forbidden` for a workspace
     * the caller is not a member of, and `unauthenticated` without identity.
     */
    push: mutationGeneric({
      args: { ...workspaceArg, clientId: v.string(), policies: v.record(v.string(), policyValidator), ops: v.array(opValidator(table)) },
      returns: v.object({ results: v.array(opResultValidator) }),
      handler: async (ctx, batch) =>
        await refusing(async () => {
          const { caller, workspaces, store } = await open(ctx, batch.workspace, ctx.db);
          return await applyPush(store, registry, batch, { userId: caller.userId, nameOf: (userId) => workspaces.userName(userId) });
        }),
    }),
    /** `pull`: one page of the workspace's records of `table` above `cursor` (src/schema/server/read.ts). */
    pull: queryGeneric({
      args: { ...workspaceArg, table, cursor: v.number(), limit: v.number() },
      returns: pullPageValidator,
      handler: async (ctx, request) => await refusing(async () => pullPage((await open(ctx, request.workspace, null)).store, registry, request)),
    }),
    /**
     * `pullAll`: every table asked in one call, without the caller's own
     * known writes (src/schema/server/pull-all.ts), and the caller's
     * workspaces (src/schema/server/workspaces.ts `listWorkspaces`).
     */
    pullAll: queryGeneric({
      args: pullAllArgs,
      returns: pullAllPageValidator,
      handler: async (ctx, request) =>
        await refusing(async () => {
          const { caller, workspaces, store } = await open(ctx, request.workspace, null);
          return { ...(await pullAll(store, registry, request as PullAllRequest)), workspaces: await listWorkspaces(workspaces, caller) };
        }),
    }),
    /** `checksum`: what `convoy verify` compares, over the workspace's records of `table` ending in `suffix` (src/schema/server/checksum.ts). */
    checksum: queryGeneric({
      args: { ...workspaceArg, table, suffix: v.string() },
      returns: checksumAnswerValidator,
      handler: async (ctx, request) => await refusing(async () => checksum((await open(ctx, request.workspace, null)).store, registry, request as ChecksumRequest)),
    }),
    /** `head`: the workspace's current change counter (0 before the first write). Cheap: two index reads. The live feed subscribes to it. */
    head: queryGeneric({
      args: workspaceArg,
      returns: v.object({ headVersion: v.number() }),
      handler: async (ctx, { workspace }) => await refusing(async () => headVersion((await open(ctx, workspace, null)).store)),
    }),
    /**
     * `web:create`: create a record of `table` with a caller-chosen UUID, as a
     * web app would; fields left out take their declared defaults. Returns its
     * state. ConvexError codes: `invalid` (with `field`), `exists`, `forbidden`.
     */
    create: webWrite('create'),
    /** `web:update`: change some fields of a record; the web value wins. ConvexError codes: `invalid`, `not_found`, `forbidden`. */
    update: webWrite('update'),
  };
}
