/**
 * The one word the header uses for "can we sync?", from what the replica
 * records (any process's syncs) and what the board saw in its own syncs.
 */
import type { Colour } from '../output/format.js';
import { everSynced, lastSyncAt, lastSyncError, type SyncOverview } from '../sync/overview.js';

export type Connectivity = 'not configured' | 'never synced' | 'syncing' | 'online' | 'offline' | 'error';

/** The outcome of the board's own last sync. */
export interface SyncOutcome {
  at: number;
  ok: boolean;
  /** The backend could not be reached (nothing lost). */
  offline: boolean;
  /** Not a connectivity fact (another process held the sync lock). */
  busy: boolean;
  message: string;
}

export interface ConnectivityView {
  state: Connectivity;
  /** Why, when the state is offline or error. */
  reason: string | null;
}

export const CONNECTIVITY_GLYPHS: Record<Connectivity, { glyph: string; colour: Colour }> = {
  'not configured': { glyph: '○', colour: 'dim' },
  'never synced': { glyph: '○', colour: 'yellow' },
  syncing: { glyph: '⟳', colour: 'cyan' },
  online: { glyph: '●', colour: 'green' },
  offline: { glyph: '○', colour: 'yellow' },
  error: { glyph: '✗', colour: 'red' },
};

export function connectivity(overview: SyncOverview, syncing: boolean, last: SyncOutcome | null): ConnectivityView {
  if (!overview.backend) return { state: 'not configured', reason: null };
  if (syncing) return { state: 'syncing', reason: null };
  const recorded = lastSyncError(overview.tables);
  if (recorded !== null) {
    // Our own attempt recorded this error: we know whether it was "offline".
    const ours = last && !last.ok && last.message === recorded ? last : null;
    return { state: ours?.offline ? 'offline' : 'error', reason: recorded };
  }
  // Failures that never reached the engine (bad config, refused credentials).
  const newer = last && !last.ok && !last.busy && last.at >= (lastSyncAt(overview.tables) ?? 0) ? last : null;
  if (newer) return { state: newer.offline ? 'offline' : 'error', reason: newer.message };
  if (!everSynced(overview.tables) && lastSyncAt(overview.tables) === null) return { state: 'never synced', reason: null };
  return { state: 'online', reason: null };
}
