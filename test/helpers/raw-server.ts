/** A bare HTTP server for error-path tests: answers every request with `respond`, or never. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function rawServer(respond: ((res: ServerResponse) => void) | null): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => respond?.(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export function closeRaw(server: Server): Promise<unknown> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}
