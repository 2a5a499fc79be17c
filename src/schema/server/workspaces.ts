/**
 * The server's workspace decisions (issue #16), over any `WorkspaceStore`:
 * which workspace a call acts on, who may list, create, share and leave
 * workspaces, and what the answers look like. The Convex functions and the
 * in-memory backend call these; the Supabase SQL mirrors them (same codes,
 * messages, name rules and ordering; the contract suite keeps them equal).
 *
 * A personal workspace has the caller's user id as its id and is never
 * stored: it needs no row, takes no members and is always owned by its user.
 */
import {
  MAX_WORKSPACE_NAME,
  PERSONAL_WORKSPACE_NAME,
  WORKSPACE_ROLES,
  type Identity,
  type MemberInfo,
  type WorkspaceId,
  type WorkspaceInfo,
  type WorkspaceList,
  type WorkspaceRole,
} from '../protocol.js';
import { checkText } from '../rules.js';
import { ServerError } from './store.js';

/** A shared workspace as stored. */
export interface StoredWorkspace {
  id: WorkspaceId;
  name: string;
}

/**
 * The storage of workspaces, memberships and users' display names. Each
 * call of the decisions below runs inside one transaction of it (Convex: the
 * mutation; memory: one call at a time).
 */
export interface WorkspaceStore {
  /** The shared workspaces `userId` is a member of, with their role (any order). Read-only. */
  memberships(userId: string): Promise<Array<{ workspace: StoredWorkspace; role: WorkspaceRole }>>;
  /** The workspace `id` and `userId`'s role in it; null when either is unknown (not a member). Read-only. */
  membership(id: WorkspaceId, userId: string): Promise<{ workspace: StoredWorkspace; role: WorkspaceRole } | null>;
  /** The members of workspace `id` (any order). Read-only. */
  members(id: WorkspaceId): Promise<Array<{ userId: string; role: WorkspaceRole }>>;
  /** Store a new workspace; the store makes its id (a fresh UUID, never a client's). Returns it. */
  insertWorkspace(name: string, createdBy: string): Promise<StoredWorkspace>;
  /** Make `userId` a member of `id` with `role`, or change their role. Idempotent. */
  putMember(id: WorkspaceId, userId: string, role: WorkspaceRole): Promise<void>;
  /** Take `userId` out of `id`. Idempotent. */
  deleteMember(id: WorkspaceId, userId: string): Promise<void>;
  /** The display name last remembered for `userId`; null when none. Read-only. */
  userName(userId: string): Promise<string | null>;
  /** Remember `name` as `userId`'s display name (null forgets it). Idempotent. */
  saveUserName(userId: string, name: string | null): Promise<void>;
}

/** What a refusal for a non-member says (the Supabase SQL says the same). */
export const notAMember = (id: WorkspaceId) => new ServerError('forbidden', `not a member of workspace ${id}`);
export const PERSONAL_NOT_SHARED = 'a personal workspace cannot be shared; create a workspace with convoy workspace create';
const noOwnerLeft = (name: string) => new ServerError('invalid', `workspace ${name} would have no owner; make another member an owner first`);

/**
 * The workspace a data call acts on: absent (or the caller's own id) → the
 * caller's personal workspace; else one the caller is a member of. Throws
 * ServerError `forbidden` ("not a member of workspace <id>") otherwise, before
 * anything is read or written. Read-only.
 */
export async function resolveWorkspace(ws: WorkspaceStore, caller: string, workspace: WorkspaceId | undefined): Promise<WorkspaceId> {
  if (workspace === undefined || workspace === caller) return caller;
  if ((await ws.membership(workspace, caller)) === null) throw notAMember(workspace);
  return workspace;
}

/** Keep the caller's display name (token `name`, else `email`) when it changed. For mutations: idempotent. */
export async function rememberCaller(ws: WorkspaceStore, caller: Identity): Promise<void> {
  if ((await ws.userName(caller.userId)) !== caller.name) await ws.saveUserName(caller.userId, caller.name);
}

/** Code-unit order (SQL: `collate "C"`), the same on every runtime. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The caller and their workspaces: personal first, then the shared ones by name (code-unit order), then id. Read-only. */
export async function listWorkspaces(ws: WorkspaceStore, caller: Identity): Promise<WorkspaceList> {
  const personal: WorkspaceInfo = { id: caller.userId, name: PERSONAL_WORKSPACE_NAME, role: 'owner', personal: true };
  const shared = (await ws.memberships(caller.userId))
    .map(({ workspace, role }): WorkspaceInfo => ({ id: workspace.id, name: workspace.name, role, personal: false }))
    .sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id));
  return { user: caller, workspaces: [personal, ...shared] };
}

/**
 * Why `name` cannot name a workspace, or null: the `visible` text rule
 * (single line, no bidi controls, some visible character), 1 to
 * MAX_WORKSPACE_NAME characters, and not "personal" in any case.
 */
export function checkWorkspaceName(name: unknown): ServerError | null {
  if (typeof name !== 'string') return new ServerError('invalid', 'workspace name must be a string', 'name');
  const problem = checkText('name', name, { required: true, max: MAX_WORKSPACE_NAME, multiline: false, visible: true });
  if (problem !== null) return new ServerError('invalid', `workspace ${problem.message}`, 'name');
  if (name.trim().toLowerCase() === PERSONAL_WORKSPACE_NAME) {
    return new ServerError('invalid', `workspace name "${PERSONAL_WORKSPACE_NAME}" is taken by your personal workspace; choose another`, 'name');
  }
  return null;
}

/**
 * Create a workspace named `name` with the caller as its owner. Not
 * idempotent. Throws ServerError `invalid` (field `name`) for a bad name and
 * `exists` when a workspace the caller belongs to has that name (compared
 * case-insensitively, like the CLI resolves names). Returns it.
 */
export async function createWorkspace(ws: WorkspaceStore, caller: Identity, name: string): Promise<WorkspaceInfo> {
  const bad = checkWorkspaceName(name);
  if (bad !== null) throw bad;
  const mine = await ws.memberships(caller.userId);
  if (mine.some((m) => m.workspace.name.toLowerCase() === name.toLowerCase())) {
    throw new ServerError('exists', `you already have a workspace named ${name}; choose another name`);
  }
  const created = await ws.insertWorkspace(name, caller.userId);
  await ws.putMember(created.id, caller.userId, 'owner');
  return { id: created.id, name: created.name, role: 'owner', personal: false };
}

/** The members of `workspace`, by user id, with their remembered names. The caller must be one (else `forbidden`). Read-only. */
export async function listMembers(ws: WorkspaceStore, caller: Identity, workspace: WorkspaceId): Promise<MemberInfo[]> {
  if (workspace === caller.userId) return [{ userId: caller.userId, role: 'owner', name: caller.name }];
  if ((await ws.membership(workspace, caller.userId)) === null) throw notAMember(workspace);
  return await membersOf(ws, workspace);
}

async function membersOf(ws: WorkspaceStore, workspace: WorkspaceId): Promise<MemberInfo[]> {
  const rows = (await ws.members(workspace)).sort((a, b) => byText(a.userId, b.userId));
  return await Promise.all(rows.map(async (m) => ({ userId: m.userId, role: m.role, name: await ws.userName(m.userId) })));
}

/** The caller's owner rights on `workspace`: refuses personal (`invalid`), non-members and non-owners (`forbidden`). */
async function requireOwner(ws: WorkspaceStore, caller: string, workspace: WorkspaceId): Promise<StoredWorkspace> {
  if (workspace === caller) throw new ServerError('invalid', PERSONAL_NOT_SHARED);
  const mine = await ws.membership(workspace, caller);
  if (mine === null) throw notAMember(workspace);
  if (mine.role !== 'owner') throw new ServerError('forbidden', `only an owner of workspace ${mine.workspace.name} can change its members`);
  return mine.workspace;
}

/** Whether `userId` is the only owner of `workspace`. */
async function isLastOwner(ws: WorkspaceStore, workspace: WorkspaceId, userId: string): Promise<boolean> {
  const owners = (await ws.members(workspace)).filter((m) => m.role === 'owner');
  return owners.length === 1 && owners[0]!.userId === userId;
}

/**
 * Make `userId` a member of `workspace` with `role`, or change their role.
 * Owners only (`forbidden`); a personal workspace (`invalid`), an empty user
 * id or unknown role (`invalid`, field `userId`/`role`), and demoting the last
 * owner (`invalid`) are refused. Idempotent. Returns the members afterwards.
 */
export async function addMember(ws: WorkspaceStore, caller: Identity, workspace: WorkspaceId, userId: string, role: WorkspaceRole): Promise<MemberInfo[]> {
  const stored = await requireOwner(ws, caller.userId, workspace);
  if (typeof userId !== 'string' || userId.trim() === '' || userId.length > 200) {
    throw new ServerError('invalid', 'userId must be a user id (the token subject), 1 to 200 characters', 'userId');
  }
  if (!(WORKSPACE_ROLES as readonly string[]).includes(role)) throw new ServerError('invalid', `role ${JSON.stringify(role)} is not one of ${WORKSPACE_ROLES.join(', ')}`, 'role');
  if (role !== 'owner' && (await isLastOwner(ws, workspace, userId))) throw noOwnerLeft(stored.name);
  await ws.putMember(workspace, userId, role);
  return await membersOf(ws, workspace);
}

/**
 * Take `userId` out of `workspace`: an owner may remove anyone, anyone may
 * remove themself (leave). Refused: a personal workspace (`invalid`), a
 * non-member caller (`forbidden`, except one leaving again: idempotent),
 * a member removing another (`forbidden`), and removing the last owner
 * (`invalid`). Idempotent. Returns the members afterwards; [] when the
 * caller left.
 */
export async function removeMember(ws: WorkspaceStore, caller: Identity, workspace: WorkspaceId, userId: string): Promise<MemberInfo[]> {
  if (workspace === caller.userId) throw new ServerError('invalid', 'a personal workspace has no other members and cannot be left');
  const leaving = userId === caller.userId;
  const mine = await ws.membership(workspace, caller.userId);
  if (mine === null) {
    if (leaving) return [];
    throw notAMember(workspace);
  }
  if (!leaving && mine.role !== 'owner') throw new ServerError('forbidden', `only an owner of workspace ${mine.workspace.name} can remove other members`);
  if (await isLastOwner(ws, workspace, userId)) throw noOwnerLeft(mine.workspace.name);
  await ws.deleteMember(workspace, userId);
  return leaving ? [] : await membersOf(ws, workspace);
}
