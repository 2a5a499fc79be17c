/**
 * What the status line says about a sync: its progress, its result, and
 * any error, classified the way the CLI classifies it (never thrown).
 */
import { summaryLine } from '../output/sync-text.js';
import { BackendError, ConfigError } from '../errors.js';
import type { SyncProgress, SyncSummary } from '../sync/engine.js';
import { SyncBusyError } from '../sync/lock.js';
import type { SyncOutcome } from './connectivity.js';

export type NoticeTone = 'info' | 'ok' | 'warn' | 'error';

export interface Notice {
  text: string;
  tone: NoticeTone;
}

export function progressText(progress: SyncProgress): string {
  if (progress.step === 'push') return `syncing: pushed ${progress.done} of ${progress.total} ops…`;
  return `syncing: pulling ${progress.table} (${progress.pulled} so far)…`;
}

export function summaryNotice(summary: SyncSummary): Notice {
  const parts = [summaryLine(summary)];
  if (summary.failed) parts.push('r retries');
  if (summary.openConflicts) parts.push('c decides');
  return { text: parts.join(' · '), tone: summary.failed || summary.openConflicts ? 'warn' : 'ok' };
}

/** Classify a sync failure: what the header should infer and what the status line says. */
export function failedSync(error: unknown, at: number): { outcome: SyncOutcome; notice: Notice } {
  const message = error instanceof Error ? error.message : String(error);
  const outcome: SyncOutcome = { at, ok: false, offline: false, busy: false, message };
  if (error instanceof BackendError && error.offline) {
    outcome.offline = true;
    return { outcome, notice: { text: `offline: ${message} (nothing lost: changes stay queued)`, tone: 'warn' } };
  }
  if (error instanceof BackendError && error.auth) {
    return { outcome, notice: { text: `the backend refused the credentials: ${message}; check the token (convoy init)`, tone: 'error' } };
  }
  if (error instanceof ConfigError) return { outcome, notice: { text: message, tone: 'error' } };
  if (error instanceof SyncBusyError) {
    outcome.busy = true;
    return { outcome, notice: { text: message, tone: 'warn' } };
  }
  return { outcome, notice: { text: `sync failed: ${message}`, tone: 'error' } };
}
