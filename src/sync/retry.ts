/**
 * Retrying backend calls inside one sync: transient server errors are retried
 * a few times with backoff and jitter; offline errors are not (the caller
 * reports offline at once and nothing is lost).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendError } from '../errors.js';
import { backoffMs } from './conflict.js';

export const TRANSIENT_TRIES = 3;

export async function withTransientRetry<T>(call: () => Promise<T>, tries = TRANSIENT_TRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof BackendError && error.retryable && !error.offline;
      if (!transient || attempt >= tries) throw error;
      await sleep(backoffMs(attempt, { baseMs: 250, capMs: 4_000 }));
    }
  }
}
