/**
 * `WorkspaceStore` (src/schema/server/workspaces.ts) on plain maps: the
 * in-memory server's shared workspaces, members and users' display names.
 * Its calls run one at a time (the server's queue), and each decision
 * validates before it writes its one row, so writes go straight to the maps.
 */
import { randomUUID } from 'node:crypto';
import type { WorkspaceId, WorkspaceRole } from '../../../schema/protocol.js';
import type { StoredWorkspace, WorkspaceStore } from '../../../schema/server/workspaces.js';

export class MemoryWorkspaceStore implements WorkspaceStore {
  private readonly workspaces = new Map<WorkspaceId, StoredWorkspace>();
  /** workspace id -> user id -> role. */
  private readonly roles = new Map<WorkspaceId, Map<string, WorkspaceRole>>();
  private readonly names = new Map<string, string | null>();

  /** Synchronous membership test, for the server's live-feed notifications. */
  isMember(id: WorkspaceId, userId: string): boolean {
    return this.roles.get(id)?.has(userId) ?? false;
  }

  async memberships(userId: string): Promise<Array<{ workspace: StoredWorkspace; role: WorkspaceRole }>> {
    const out: Array<{ workspace: StoredWorkspace; role: WorkspaceRole }> = [];
    for (const [id, members] of this.roles) {
      const role = members.get(userId);
      if (role !== undefined) out.push({ workspace: { ...this.workspaces.get(id)! }, role });
    }
    return out;
  }

  async membership(id: WorkspaceId, userId: string): Promise<{ workspace: StoredWorkspace; role: WorkspaceRole } | null> {
    const role = this.roles.get(id)?.get(userId);
    return role === undefined ? null : { workspace: { ...this.workspaces.get(id)! }, role };
  }

  async members(id: WorkspaceId): Promise<Array<{ userId: string; role: WorkspaceRole }>> {
    return [...(this.roles.get(id) ?? new Map<string, WorkspaceRole>())].map(([userId, role]) => ({ userId, role }));
  }

  async insertWorkspace(name: string): Promise<StoredWorkspace> {
    const workspace = { id: randomUUID(), name };
    this.workspaces.set(workspace.id, workspace);
    this.roles.set(workspace.id, new Map());
    return { ...workspace };
  }

  async putMember(id: WorkspaceId, userId: string, role: WorkspaceRole): Promise<void> {
    this.roles.get(id)?.set(userId, role);
  }

  async deleteMember(id: WorkspaceId, userId: string): Promise<void> {
    this.roles.get(id)?.delete(userId);
  }

  async userName(userId: string): Promise<string | null> {
    return this.names.get(userId) ?? null;
  }

  async saveUserName(userId: string, name: string | null): Promise<void> {
    this.names.set(userId, name);
  }
}
