/**
 * "Sync now" for the board: one sync at a time, progress while it runs, then
 * the result or the error — reported, never thrown, so the board survives
 * any failure (offline, refused, another process holding the sync lock).
 */
import { useCallback, useRef, useState } from 'react';
import type { SyncOutcome } from '../connectivity.js';
import type { BoardModel } from '../model.js';
import { failedSync, progressText, summaryNotice, type Notice } from '../sync-messages.js';

export interface SyncRunner {
  running: boolean;
  /** Progress text while running. */
  progress: string | null;
  /** The board's own last sync, for the header's connectivity. */
  last: SyncOutcome | null;
  start(): void;
}

export function useSyncRunner(model: BoardModel, notify: (notice: Notice) => void, refresh: () => void): SyncRunner {
  const running = useRef(false);
  const [state, setState] = useState<Omit<SyncRunner, 'start'>>({ running: false, progress: null, last: null });
  const start = useCallback(() => {
    if (running.current) {
      notify({ text: 'a sync is already running', tone: 'info' });
      return;
    }
    running.current = true;
    setState((s) => ({ ...s, running: true, progress: 'syncing…' }));
    const finish = (last: SyncOutcome, notice: Notice) => {
      running.current = false;
      setState({ running: false, progress: null, last });
      notify(notice);
      refresh();
    };
    model
      .sync((progress) => {
        setState((s) => ({ ...s, progress: progressText(progress) }));
        refresh();
      })
      .then(
        (summary) => finish({ at: model.now(), ok: true, offline: false, busy: false, message: '' }, summaryNotice(summary)),
        (error: unknown) => {
          const { outcome, notice } = failedSync(error, model.now());
          finish(outcome, notice);
        },
      );
  }, [model, notify, refresh]);
  return { ...state, start };
}
