/**
 * One immediate retry when a connection drops mid-call. A push is idempotent
 * (the server recognises ops by client id and seq) and a pull is read-only,
 * so repeating either is safe; a cut connection is often a blip (a proxy or
 * load balancer recycling it), and reporting "offline" for it would leave the
 * user's changes queued for no reason. A server that refuses connections, an
 * unknown host or a timeout is not retried here: those mean offline.
 */
import { BackendError } from '../errors.js';
import type { Backend } from './backend.js';

/** Offline causes that a second attempt right away would only repeat (or double the wait of). */
const NOT_A_DROP = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|within \d+ ms|timed? ?out/i;

function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    parts.push(String(e.code ?? ''), String(e.message ?? ''));
  }
  return parts.join(' ');
}

/** Whether `error` is a connection that dropped (reset, closed mid-answer), not one that never opened. */
export function isDroppedConnection(error: unknown): boolean {
  return error instanceof BackendError && error.offline && !NOT_A_DROP.test(causeText(error));
}

export async function retryOnceIfDropped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isDroppedConnection(error)) throw error;
    return call();
  }
}

/** `backend`, with push, pull, pullAll and checksum retried once on a dropped connection; everything else as it is. */
export function retryingDroppedCalls(backend: Backend): Backend {
  return new Proxy(backend, {
    get(target, prop) {
      if (prop === 'push') return (batch: Parameters<Backend['push']>[0]) => retryOnceIfDropped(() => target.push(batch));
      if (prop === 'pull') return (request: Parameters<Backend['pull']>[0]) => retryOnceIfDropped(() => target.pull(request));
      if (prop === 'pullAll') return (request: Parameters<Backend['pullAll']>[0]) => retryOnceIfDropped(() => target.pullAll(request));
      if (prop === 'checksum') return (request: Parameters<Backend['checksum']>[0]) => retryOnceIfDropped(() => target.checksum(request));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
