/**
 * A fault-injecting TCP proxy in front of a local server: each new
 * connection takes the next fault from a queue (then passes cleanly). Faults
 * act on bytes, below HTTP and WebSocket alike, as a flaky network does.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  /** Close both sides once `bytes` have gone from the client to the server (the request is cut). */
  | { kind: 'cut-request'; bytes: number }
  /** Close both sides once `bytes` of the answer have reached the client (the server has done the work). */
  | { kind: 'cut-response'; bytes: number }
  /** Reset the connection as soon as it opens. */
  | { kind: 'reset' }
  /** Answer 503 without asking the server. */
  | { kind: '5xx' }
  /** Hold the request for `ms`, then pass it. */
  | { kind: 'delay'; ms: number };

export interface FaultProxy {
  url: string;
  /** Queue faults for the next connections, in order. */
  inject(...faults: Fault[]): void;
  /** Faults queued but not yet met by a connection. */
  pending(): number;
  /** Drop the faults not yet met. */
  clear(): void;
  close(): Promise<void>;
}

function pipeCounting(from: Socket, to: Socket, limit: number | null, cut: () => void): void {
  let seen = 0;
  from.on('data', (chunk: Buffer) => {
    if (limit === null) return void to.write(chunk);
    const room = limit - seen;
    seen += chunk.length;
    if (room > 0) to.write(chunk.subarray(0, room));
    if (seen >= limit) cut();
  });
}

function serve(client: Socket, target: { host: string; port: number }, fault: Fault, sockets: Set<Socket>): void {
  if (fault.kind === 'reset') return void client.resetAndDestroy();
  if (fault.kind === '5xx') {
    client.once('data', () => client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nconnection: close\r\n\r\nfault proxy'));
    return;
  }
  const start = () => {
    const server = connect(target.port, target.host);
    sockets.add(server);
    server.on('close', () => sockets.delete(server));
    const cut = () => {
      client.destroy();
      server.destroy();
    };
    server.on('error', cut);
    client.on('error', cut);
    server.on('close', () => client.destroy());
    client.on('close', () => server.destroy());
    pipeCounting(client, server, fault.kind === 'cut-request' ? fault.bytes : null, cut);
    pipeCounting(server, client, fault.kind === 'cut-response' ? fault.bytes : null, cut);
  };
  if (fault.kind === 'delay') {
    client.pause();
    setTimeout(() => {
      client.resume();
      start();
    }, fault.ms);
  } else start();
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const queue: Fault[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    serve(client, { host: target.hostname, port: Number(target.port) }, queue.shift() ?? { kind: 'pass' }, sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (...faults) => void queue.push(...faults),
    pending: () => queue.length,
    clear: () => void queue.splice(0),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
