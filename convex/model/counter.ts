/**
 * The per-user change counter: every write to a synced record takes its next
 * value as the record's version, and pull pages by version.
 *
 * Why a counter document rather than `_creationTime` (or any timestamp): a
 * mutation that reads the counter has it in its read set, so Convex's
 * optimistic concurrency control serializes all writers of one user. Version
 * N therefore commits before version N+1 is even handed out, and a pull that
 * has seen version N has seen everything below it. `_creationTime` is taken
 * when the document is written, not when the transaction commits; two
 * mutations can commit in the opposite order (Convex staff put the skew at up
 * to minutes), so a cursor built on it can skip a row that commits late.
 * (`db.vars.commitTs` bounded by the snapshot timestamp would also be safe; the
 * counter is simpler, portable to the Supabase SQL, and keeps versions small
 * dense integers.) The cost is that one user's writes never run in parallel,
 * which is fine for a personal task list.
 */
import type { DatabaseReader, DatabaseWriter } from '../_generated/server.js';
import type { Id } from '../_generated/dataModel.js';

export class VersionCounter {
  private constructor(
    private readonly userId: string,
    private id: Id<'counters'> | null,
    private value: number,
    private dirty = false,
  ) {}

  /** Read the user's counter (0 when the user never wrote). Puts it in the read set. */
  static async open(db: DatabaseReader, userId: string): Promise<VersionCounter> {
    const doc = await db
      .query('counters')
      .withIndex('by_user', (q) => q.eq('userId', userId))
      .unique();
    return new VersionCounter(userId, doc?._id ?? null, doc?.value ?? 0);
  }

  /** The last version handed out. */
  get head(): number {
    return this.value;
  }

  /** Take the next version. Call once per record write; `save` persists it. */
  next(): number {
    this.value += 1;
    this.dirty = true;
    return this.value;
  }

  /**
   * Persist the counter once per mutation (same transaction as the writes).
   * Writing it once instead of once per op keeps a 500-op batch at one
   * counter write; the read at `open` is what serializes writers.
   */
  async save(db: DatabaseWriter): Promise<void> {
    if (!this.dirty) return;
    if (this.id === null) this.id = await db.insert('counters', { userId: this.userId, value: this.value });
    else await db.patch('counters', this.id, { value: this.value });
    this.dirty = false;
  }
}
