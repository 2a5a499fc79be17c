/**
 * The backend contract against the in-memory reference backend: the server
 * half (src/schema/server/) the Convex functions run, on plain maps, so the
 * suite checks the shared decisions without any server runtime.
 */
import { createMemoryBackend, MemoryServer } from '../../src/sync/backends/memory/index.js';
import type { Fields, WorkspaceId } from '../../src/schema/protocol.js';
import { describeBackendContract } from './backend-contract.js';

describeBackendContract('memory', async () => {
  const server = new MemoryServer();
  const web = (kind: 'create' | 'update') => async (user: string, recordId: string, fields: Fields, workspace?: WorkspaceId) => {
    await server.webWrite(server.token(user), kind, 'tasks', recordId, fields, workspace);
  };
  return {
    backend: async (user) => createMemoryBackend({ server, token: server.token(user) }),
    invalidBackend: async () => createMemoryBackend({ server, token: 'not-a-token' }),
    webCreateTask: web('create'),
    webUpdateTask: web('update'),
    close: async () => server.stop(),
  };
});
