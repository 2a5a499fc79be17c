/**
 * A `fetch` over node:http and node:https for the backends' SDK clients.
 * Node's own fetch (undici) compiles a WebAssembly HTTP parser on first use,
 * and the process then waits for that background compile when it exits: on
 * this machine 0.1–0.3 s added to every one-shot `convoy sync`. This covers
 * what supabase-js (postgrest) and ConvexHttpClient send: a method, headers,
 * a string or byte body and an AbortSignal; the answer is read whole.
 * Failures reject as fetch does: the signal's reason when aborted, else a
 * TypeError "fetch failed" whose `cause` is the system error (its `code`).
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpFetch {
  fetch: typeof fetch;
  /** Close kept-alive sockets at once, so nothing holds the process open. Idempotent. */
  close(): void;
}

type Body = string | Uint8Array | undefined;

function bodyOf(init: RequestInit | undefined): Body {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('http-fetch sends string and byte bodies only');
}

export function createHttpFetch(): HttpFetch {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const send = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) return globalThis.fetch(input, init); // not what the SDKs send; keep fetch's meaning
    const url = new URL(String(input));
    const agent = agents[url.protocol as keyof typeof agents];
    if (agent === undefined) return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
    const signal = init?.signal ?? undefined;
    const body = bodyOf(init);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const once = (retry: boolean): Promise<Response> => new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: init?.method ?? 'GET', headers, agent });
      const onAbort = () => {
        request.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      request.on('error', (error: NodeJS.ErrnoException) => {
        done();
        // A kept-alive socket the server closed meanwhile: the request never got there; try once on a new one.
        if (retry && request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') && !signal?.aborted) {
          return void once(false).then(resolve, reject);
        }
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => request.emit('error', error));
        response.on('end', () => {
          done();
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) answer.append(name, v);
          }
          const status = response.statusCode ?? 0;
          const noBody = status === 204 || status === 304 || init?.method === 'HEAD';
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage, headers: answer }));
        });
      });
      request.end(body);
    });
    return once(true);
  };
  return {
    fetch: send as typeof fetch,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
