/**
 * `pull` and `head`: read-only queries over the caller's records, paged by
 * row version (the per-user change counter, see model/counter.ts).
 */
import { v } from 'convex/values';
import { query, type DatabaseReader } from './_generated/server.js';
import { VersionCounter } from './model/counter.js';
import { requireUser } from './model/identity.js';
import { recordFields } from './model/records.js';
import { fieldsRecord } from './model/results.js';

/** Largest page served, whatever the client asks: inside Convex's read and array limits. */
export const MAX_PULL_LIMIT = 1000;

const tableValidator = v.union(v.literal('tasks'), v.literal('projects'));

/**
 * Records of `table` with version > `cursor`, in ascending version order, at
 * most min(limit, 1000). `cursor` in the answer is the last version in the
 * page (the request cursor when the page is empty); `headVersion` is the
 * user's counter, so a client whose cursor is above it knows the server was
 * reset. Safe to repeat.
 */
export const pull = query({
  args: { table: tableValidator, cursor: v.number(), limit: v.number() },
  returns: v.object({
    changes: v.array(v.object({ recordId: v.string(), version: v.number(), fields: fieldsRecord })),
    cursor: v.number(),
    hasMore: v.boolean(),
    headVersion: v.number(),
  }),
  handler: async (ctx, args) => {
    const userId = await requireUser(ctx);
    const limit = Math.max(1, Math.min(Math.floor(args.limit) || 1, MAX_PULL_LIMIT));
    // One row more than the page tells whether there is more without a second query.
    const rows = await ctx.db
      .query(args.table)
      .withIndex('by_user_version', (q) => q.eq('userId', userId).gt('version', args.cursor))
      .order('asc')
      .take(limit + 1);
    const page = rows.slice(0, limit);
    const changes = page.map((row) => ({ recordId: row.recordId, version: row.version, fields: recordFields(args.table, row) }));
    return {
      changes,
      cursor: page.at(-1)?.version ?? args.cursor,
      hasMore: rows.length > limit,
      headVersion: await headVersion(ctx.db, userId),
    };
  },
});

/** The caller's current change counter (0 before the first write). Cheap: one index read. */
export const head = query({
  args: {},
  returns: v.object({ headVersion: v.number() }),
  handler: async (ctx) => {
    const userId = await requireUser(ctx);
    return { headVersion: await headVersion(ctx.db, userId) };
  },
});

async function headVersion(db: DatabaseReader, userId: string): Promise<number> {
  return (await VersionCounter.open(db, userId)).head;
}
