/** Builders and readers shared by the backend contract suite. Backend-agnostic. */
import { randomUUID } from 'node:crypto';
import type { Backend } from '../../src/sync/backend.js';
import type {
  ConflictPolicy,
  Fields,
  OpResult,
  PushBatch,
  PushOp,
  RemoteRecord,
  SyncTableName,
} from '../../src/schema/protocol.js';
import { defaultPolicies } from '../../src/schema/registry.js';

export const newId = (): string => randomUUID();
export const newClientId = (): string => `client-${randomUUID()}`;

/** Every synced field of a new task. */
export function taskFields(title: string, extra: Fields = {}): Fields {
  return {
    title,
    description: null,
    status: 'todo',
    stage: null,
    projectId: null,
    parentId: null,
    completedAt: null,
    due: null,
    priority: null,
    createdAt: Date.now(),
    ...extra,
  };
}

export function projectFields(name: string): Fields {
  return { name, description: null, createdAt: Date.now() };
}

/** Builds ops with increasing sequence numbers for one replica. */
export class OpSeq {
  private seq = 0;
  constructor(readonly clientId: string = newClientId()) {}

  create(recordId: string, fields: Fields, table: SyncTableName = 'tasks'): PushOp {
    return { seq: ++this.seq, table, recordId, kind: 'create', fields, baseVersion: null, clientTime: Date.now() };
  }

  update(recordId: string, fields: Fields, baseVersion: number | null, opts: { table?: SyncTableName; clientTime?: number } = {}): PushOp {
    const clientTime = opts.clientTime ?? Date.now();
    return { seq: ++this.seq, table: opts.table ?? 'tasks', recordId, kind: 'update', fields, baseVersion, clientTime };
  }

  batch(ops: PushOp[], policies: Partial<Record<SyncTableName, ConflictPolicy>> = {}): PushBatch {
    return { clientId: this.clientId, policies: { ...defaultPolicies(), tasks: 'local-wins', projects: 'remote-wins', ...policies }, ops };
  }
}

/** The result's version, failing loudly for a rejection. */
export function versionOf(result: OpResult | undefined): number {
  if (result === undefined || result.status === 'rejected') {
    throw new Error(`expected an accepted op, got ${JSON.stringify(result)}`);
  }
  return result.version;
}

/** The user's current head version (a cursor that skips everything already there). */
export async function headOf(backend: Backend, table: SyncTableName = 'tasks'): Promise<number> {
  return (await backend.pull({ table, cursor: 0, limit: 1 })).headVersion;
}

export interface PullLog {
  records: RemoteRecord[];
  cursors: number[];
  pages: number;
}

/** Pull every page after `cursor`, checking each page's own invariants as it goes. */
export async function pullAll(backend: Backend, table: SyncTableName, cursor: number, limit: number): Promise<PullLog> {
  const log: PullLog = { records: [], cursors: [], pages: 0 };
  for (;;) {
    const page = await backend.pull({ table, cursor, limit });
    log.pages += 1;
    if (page.changes.length > Math.min(limit, 1000)) throw new Error(`page of ${page.changes.length} > limit ${limit}`);
    for (const change of page.changes) {
      if (change.version <= cursor) throw new Error(`version ${change.version} not above cursor ${cursor}`);
      cursor = change.version;
    }
    if (page.cursor !== cursor) throw new Error(`page cursor ${page.cursor} is not its last version ${cursor}`);
    log.records.push(...page.changes);
    log.cursors.push(page.cursor);
    if (!page.hasMore) return log;
  }
}

/** Latest pulled state per record id, restricted to `ids`. */
export function byId(records: RemoteRecord[], ids: Iterable<string>): Map<string, RemoteRecord> {
  const wanted = new Set(ids);
  const map = new Map<string, RemoteRecord>();
  for (const record of records) if (wanted.has(record.recordId)) map.set(record.recordId, record);
  return map;
}
