/**
 * The daemon's process lifecycle: SIGINT/SIGTERM stop it, SIGHUP reloads its
 * configuration. Only `convoy sync --watch` installs these handlers.
 */

/** Signals as a daemon lifecycle: SIGINT/SIGTERM stop, SIGHUP reloads. */
export function processLifecycle() {
  const controller = new AbortController();
  // `on`, not `once`: a library's signal-exit handler re-raises the signal
  // when it finds itself the only listener left.
  process.on('SIGINT', () => controller.abort());
  process.on('SIGTERM', () => controller.abort());
  return { stop: controller.signal, onReload: (listener: () => void) => void process.on('SIGHUP', coalesced(listener)) };
}

/**
 * A SIGHUP handler that runs once per signal: signal-exit (loaded with the
 * config library) unloads itself on the first SIGHUP and raises it again, so
 * one `kill -HUP` arrives twice within a moment. A reload is idempotent, so
 * signals closer together than this are one.
 */
function coalesced(listener: () => void, windowMs = 250): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (now - last < windowMs) return;
    last = now;
    listener();
  };
}
