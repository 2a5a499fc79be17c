/**
 * The handle that key handlers work through: the newest state (several keys can
 * arrive in one read, before any re-render), the model, and the board's
 * actions. Failures become notices in the status line, never exceptions.
 */
import type { BoardData } from './board-data.js';
import type { BoardModel } from './model.js';
import type { Notice, NoticeTone } from './sync-messages.js';
import type { UiState } from './ui-state.js';

export interface Controller {
  model: BoardModel;
  /** The newest UI state. */
  ui(): UiState;
  update(change: (ui: UiState) => UiState): void;
  /** The newest columns of the board (counts and the loaded windows), loaded for the newest UI state. */
  board(): BoardData;
  /** Reload the board's data now (after the board's own writes). */
  refresh(): void;
  sync(): void;
  exit(): void;
  /** Cards visible per column (PageUp/PageDown step). */
  pageSize: number;
}

export function notify(c: Controller, text: string, tone: NoticeTone = 'info'): void {
  c.update((ui) => ({ ...ui, notice: { text, tone } }));
}

/** Run a write; refresh and show its notice, or show its error. Returns whether it succeeded. */
export function attempt(c: Controller, write: () => Notice | null, after: (ui: UiState) => UiState = (ui) => ui): boolean {
  try {
    const notice = write();
    c.refresh();
    c.update((ui) => ({ ...after(ui), notice }));
    return true;
  } catch (error) {
    notify(c, (error as Error).message, 'error');
    return false;
  }
}
