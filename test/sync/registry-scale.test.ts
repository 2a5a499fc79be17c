/**
 * Proof that the registry scales: 25 generated table declarations (every
 * field kind, the policies cycling through local-wins, remote-wins and
 * last-write-wins), their Convex schema and functions and their Supabase SQL
 * generated from the declarations, and the per-table contract (test/sync/table-contract.ts)
 * run across all 25 through the real client adapters, with no per-table code.
 */
import { ConvexHttpClient } from 'convex/browser';
import { describe, expect, it } from 'vitest';
import { api } from '../../convex/_generated/api.js';
import { convexSchema } from '../../convex/model/schema.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import { createMemoryBackend, MemoryServer } from '../../src/sync/backends/memory/index.js';
import { createSupabaseBackend } from '../../src/sync/backends/supabase/index.js';
import { declareManyTables } from '../helpers/many-tables.js';
import { startConvexServer } from '../../src/dev/servers/convex/server.js';
import { startSupabaseServer } from '../../src/dev/servers/supabase/server.js';
import { supabaseWebClient } from '../dev/servers/supabase/web-client.js';
import { describeTableContract, type TableContractBackend } from './table-contract.js';

const REGISTRY = declareManyTables(25);

/** Every backend the contract runs on; each derives its server from the registry it is given. */
const BACKENDS: TableContractBackend[] = [
  {
    name: 'convex, local server',
    start: async (registry) => {
      const server = await startConvexServer({ registry, webSocket: false });
      const token = await server.mintToken('alice');
      const web = new ConvexHttpClient(server.url, { logger: false });
      web.setAuth(token);
      return {
        backend: createConvexBackend({ url: server.url, token }),
        webUpdate: async (table, recordId, fields) => void (await web.mutation(api.web.update, { table, recordId, fields })),
        close: () => server.close(),
      };
    },
  },
  {
    name: 'memory',
    start: async (registry) => {
      const server = new MemoryServer({ registry });
      const token = server.token('alice');
      return {
        backend: createMemoryBackend({ server, token }),
        webUpdate: async (table, recordId, fields) => void (await server.webWrite(token, 'update', table, recordId, fields)),
        close: async () => server.stop(),
      };
    },
  },
  {
    name: 'supabase, local server',
    start: async (registry) => {
      const server = await startSupabaseServer({ registry });
      const token = await server.mintToken('alice');
      const web = supabaseWebClient(server.url, server.anonKey, token);
      return {
        backend: createSupabaseBackend({ url: server.url, anonKey: server.anonKey, accessToken: token }),
        webUpdate: async (table, recordId, fields) => void (await web.update(table, recordId, fields)),
        close: () => server.close(),
      };
    },
  },
];

describe('the generated registry', () => {
  it('declares 25 tables of every field kind and policy, and a Convex schema for each', () => {
    const kinds = new Set(REGISTRY.flatMap((t) => t.fieldNames.map((n) => t.fields[n]!.type.kind)));
    expect([...kinds].sort()).toEqual(['enum', 'ref', 'text', 'time']);
    expect(new Set(REGISTRY.map((t) => t.policy))).toEqual(new Set(['local-wins', 'remote-wins', 'last-write-wins']));
    const tables = Object.keys(convexSchema(REGISTRY).tables);
    for (const t of REGISTRY) expect(tables).toContain(t.name);
  });
});

describeTableContract(REGISTRY, BACKENDS);
