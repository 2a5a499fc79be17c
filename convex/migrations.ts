/**
 * `migrations:workspaceIds` (internal): moves documents written before
 * workspaces (issue #16), which are keyed by `userId`, into their user's
 * personal workspace, whose id is the user id: it copies `userId` into
 * `workspaceId` on every synced table and on `counters`, `clients` and
 * `opResults`, and drops `userId` (`clients` keeps it: there it names the
 * user behind the replica, which is still true). Documents that already have
 * a `workspaceId` are left alone, so it is safe to run again.
 *
 * Run it once, right after deploying this version (until it has finished, a
 * user's old records are not served and their counter starts again):
 *
 *   npx convex run migrations:workspaceIds
 *
 * Each call handles one page of one table in its own transaction and
 * schedules the next page itself (pass `{"schedule": false}` to take one
 * step); it returns where it got to. docs/architecture.md ("Workspaces") has
 * the whole upgrade.
 */
import { internalMutationGeneric, makeFunctionReference } from 'convex/server';
import { v } from 'convex/values';
import { TABLES } from '../src/schema/tables.js';

/** Documents per step: well inside a mutation's limits (16,000 documents written). */
export const MIGRATION_PAGE = 500;

/** Every table with per-user documents, in the order they are migrated. */
export const MIGRATED_TABLES: readonly string[] = [...TABLES.map((t) => t.name), 'counters', 'clients', 'opResults'];

const self = makeFunctionReference<'mutation'>('migrations:workspaceIds');

export const workspaceIds = internalMutationGeneric({
  args: {
    /** The table to go on with (default the first); `cursor` the page cursor within it. */
    table: v.optional(v.string()),
    cursor: v.optional(v.union(v.null(), v.string())),
    /** False: do one step and return (tests, or to watch it go); default true, which schedules the next step. */
    schedule: v.optional(v.boolean()),
  },
  returns: v.object({ table: v.union(v.null(), v.string()), cursor: v.union(v.null(), v.string()), moved: v.number(), done: v.boolean() }),
  handler: async (ctx, args) => {
    const table = args.table ?? MIGRATED_TABLES[0]!;
    const at = MIGRATED_TABLES.indexOf(table);
    if (at < 0) throw new Error(`migrations:workspaceIds: unknown table ${JSON.stringify(table)}; one of ${MIGRATED_TABLES.join(', ')}`);
    const page = await ctx.db.query(table).paginate({ cursor: args.cursor ?? null, numItems: MIGRATION_PAGE });
    let moved = 0;
    for (const doc of page.page) {
      if (doc.workspaceId !== undefined || typeof doc.userId !== 'string') continue;
      await ctx.db.patch(table, doc._id, { workspaceId: doc.userId, userId: table === 'clients' ? doc.userId : undefined });
      moved += 1;
    }
    const nextTable = page.isDone ? (MIGRATED_TABLES[at + 1] ?? null) : table;
    const next = { table: nextTable, cursor: page.isDone ? null : page.continueCursor, moved, done: nextTable === null };
    if (!next.done && args.schedule !== false) await ctx.scheduler.runAfter(0, self, { table: nextTable!, cursor: next.cursor });
    return next;
  },
});
