/**
 * The workspace storage (src/schema/server/workspaces.ts `WorkspaceStore`)
 * over Convex's `ctx.db`: tables `workspaces` (one per shared workspace, its
 * id a UUID made here), `members` (one per member) and `users` (display
 * names). One instance per function call, inside its transaction.
 */
import type { GenericDatabaseReader, GenericDatabaseWriter } from 'convex/server';
import type { WorkspaceId, WorkspaceRole } from '../../src/schema/protocol.js';
import type { StoredWorkspace, WorkspaceStore } from '../../src/schema/server/workspaces.js';

// The data model is the registry's, known only at load: untyped here (as in store.ts).
/* eslint-disable @typescript-eslint/no-explicit-any */
type Reader = GenericDatabaseReader<any>;
type Writer = GenericDatabaseWriter<any>;
type Range = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

export class ConvexWorkspaceStore implements WorkspaceStore {
  /** `writer` is ctx.db in a mutation; a query passes only the reader and never writes. */
  constructor(
    private readonly db: Reader,
    private readonly writer: Writer | null = null,
  ) {}

  async memberships(userId: string): Promise<Array<{ workspace: StoredWorkspace; role: WorkspaceRole }>> {
    const rows = await this.db
      .query('members')
      .withIndex('by_user', (q: Range) => q.eq('userId', userId))
      .collect();
    const found = await Promise.all(rows.map(async (row) => ({ workspace: await this.workspace(row.workspaceId as string), role: row.role as WorkspaceRole })));
    return found.filter((m): m is { workspace: StoredWorkspace; role: WorkspaceRole } => m.workspace !== null);
  }

  async membership(id: WorkspaceId, userId: string): Promise<{ workspace: StoredWorkspace; role: WorkspaceRole } | null> {
    const row = await this.memberRow(id, userId);
    if (row === null) return null;
    const workspace = await this.workspace(id);
    return workspace === null ? null : { workspace, role: row.role as WorkspaceRole };
  }

  async members(id: WorkspaceId): Promise<Array<{ userId: string; role: WorkspaceRole }>> {
    const rows = await this.db
      .query('members')
      .withIndex('by_workspace_user', (q: Range) => q.eq('workspaceId', id))
      .collect();
    return rows.map((row) => ({ userId: row.userId as string, role: row.role as WorkspaceRole }));
  }

  async insertWorkspace(name: string, createdBy: string): Promise<StoredWorkspace> {
    // Made here, never the client's: no one can pick an id that is somebody's user id.
    const id = crypto.randomUUID();
    await this.write().insert('workspaces', { workspaceId: id, name, createdBy });
    return { id, name };
  }

  async putMember(id: WorkspaceId, userId: string, role: WorkspaceRole): Promise<void> {
    const row = await this.memberRow(id, userId);
    if (row === null) await this.write().insert('members', { workspaceId: id, userId, role });
    else if (row.role !== role) await this.write().patch('members', row._id, { role });
  }

  async deleteMember(id: WorkspaceId, userId: string): Promise<void> {
    const row = await this.memberRow(id, userId);
    if (row !== null) await this.write().delete('members', row._id);
  }

  async userName(userId: string): Promise<string | null> {
    return ((await this.userRow(userId))?.name as string | null | undefined) ?? null;
  }

  async saveUserName(userId: string, name: string | null): Promise<void> {
    const row = await this.userRow(userId);
    if (row === null) await this.write().insert('users', { userId, name });
    else await this.write().patch('users', row._id, { name });
  }

  private async workspace(id: WorkspaceId): Promise<StoredWorkspace | null> {
    const doc = await this.db
      .query('workspaces')
      .withIndex('by_workspace', (q: Range) => q.eq('workspaceId', id))
      .unique();
    return doc === null ? null : { id, name: doc.name as string };
  }

  private async memberRow(id: WorkspaceId, userId: string) {
    return await this.db
      .query('members')
      .withIndex('by_workspace_user', (q: Range) => q.eq('workspaceId', id).eq('userId', userId))
      .unique();
  }

  private async userRow(userId: string) {
    return await this.db
      .query('users')
      .withIndex('by_user', (q: Range) => q.eq('userId', userId))
      .unique();
  }

  private write(): Writer {
    if (this.writer === null) throw new Error('ConvexWorkspaceStore: a query cannot write');
    return this.writer;
  }
}
