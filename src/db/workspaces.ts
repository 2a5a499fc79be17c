/**
 * The workspaces this replica knows (the local `workspaces` table): the
 * personal one (local id '', always there) and those the server listed. A
 * workspace the server no longer lists is `left`: its records stay, read-only
 * (every local write path asks `requireWritable`), until `forgetWorkspace`.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { DeniedError, UsageError } from '../errors.js';
import { PERSONAL_WORKSPACE_NAME, type WorkspaceList, type WorkspaceRole } from '../schema/protocol.js';
import type { Replica, Store, WriteTx } from './open.js';
import { SYNC_TABLES } from './registry.js';
import { conflicts, outbox, PERSONAL_WORKSPACE, syncState, undoLog, workspaces, type WorkspaceRow } from './schema.js';
import { compiled } from './statements.js';

export { PERSONAL_WORKSPACE } from './schema.js';

export interface LocalWorkspace {
  /** '' for the personal workspace, else the server's id. */
  id: string;
  name: string;
  role: WorkspaceRole;
  personal: boolean;
  state: 'active' | 'left';
  /** The server's id: for a shared one its id; for personal the user id once a sync learned it, else null. */
  serverId: string | null;
}

const toLocal = (row: WorkspaceRow): LocalWorkspace => ({
  id: row.id,
  name: row.name,
  role: row.role,
  personal: row.personal,
  state: row.state,
  serverId: row.personal ? row.serverId : row.id,
});

/** The personal workspace as a replica that never synced knows it. */
const personalRow = (now: number): typeof workspaces.$inferInsert => ({ id: PERSONAL_WORKSPACE, serverId: null, name: PERSONAL_WORKSPACE_NAME, role: 'owner', personal: true, state: 'active', updatedAt: now });

/** Every workspace the replica knows: personal first (always present), then by name. Read-only. */
export function listLocalWorkspaces(store: Store): LocalWorkspace[] {
  const rows = store.db.select().from(workspaces).orderBy(sql`${workspaces.personal} DESC`, asc(sql`lower(${workspaces.name})`), asc(workspaces.id)).all();
  // A replica migrated by drizzle always has the personal row (drizzle/0009); this keeps the promise regardless.
  if (!rows.some((r) => r.id === PERSONAL_WORKSPACE)) rows.unshift(personalRow(0) as WorkspaceRow);
  return rows.map(toLocal);
}

/**
 * The workspace `nameOrId` names: its id, else its name ignoring case
 * (`personal` is always there). Throws UsageError naming `field` and the fix
 * when there is none or the name is ambiguous. Read-only.
 */
export function findWorkspace(store: Store, nameOrId: string, field = '--workspace'): LocalWorkspace {
  const all = listLocalWorkspaces(store);
  const wanted = nameOrId.trim();
  const byId = all.find((w) => w.id === wanted && w.id !== PERSONAL_WORKSPACE) ?? all.find((w) => w.serverId !== null && w.serverId === wanted);
  if (byId) return byId;
  const byName = all.filter((w) => w.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new UsageError(`${field} "${nameOrId}" names ${byName.length} workspaces; give its id instead (${byName.map((w) => w.id).join(', ')}; convoy workspace list)`);
  }
  throw new UsageError(`${field}: no workspace named or with id "${nameOrId}"; see convoy workspace list (convoy sync learns new ones)`);
}

/** The workspace with local id `id`, or undefined. Read-only. */
export function getWorkspace(store: Store, id: string): LocalWorkspace | undefined {
  return listLocalWorkspaces(store).find((w) => w.id === id);
}

/**
 * Take the server's list of the caller's workspaces: the personal one maps
 * to '' (its server id, the user id, is kept), the others are added or
 * updated (active), and every known shared workspace the list no longer
 * holds becomes `left`. One transaction; idempotent. Returns the workspaces
 * that became active (new or rejoined) and those that became left.
 */
export function saveWorkspaceList(replica: Replica, list: WorkspaceList, now: number): { joined: LocalWorkspace[]; left: LocalWorkspace[] } {
  return replica.write((tx) => saveWorkspaceListIn(tx, list, now));
}

/** `saveWorkspaceList` inside the caller's write transaction. */
function saveWorkspaceListIn(tx: WriteTx, list: WorkspaceList, now: number): { joined: LocalWorkspace[]; left: LocalWorkspace[] } {
  const before = new Map(listLocalWorkspaces(tx).map((w) => [w.id, w]));
  const listed = new Set<string>();
  const joined: LocalWorkspace[] = [];
  for (const info of list.workspaces) {
    const id = info.personal ? PERSONAL_WORKSPACE : info.id;
    listed.add(id);
    const row = { id, serverId: info.id, name: info.personal ? PERSONAL_WORKSPACE_NAME : info.name, role: info.role, personal: info.personal, state: 'active' as const, updatedAt: now };
    const { id: _id, ...set } = row;
    tx.db.insert(workspaces).values(row).onConflictDoUpdate({ target: workspaces.id, set }).run();
    const was = before.get(id);
    if (!was || was.state === 'left') joined.push(toLocal(row as WorkspaceRow));
  }
  const left: LocalWorkspace[] = [];
  for (const w of before.values()) {
    if (w.personal || listed.has(w.id) || w.state === 'left') continue;
    tx.db.update(workspaces).set({ state: 'left', updatedAt: now }).where(eq(workspaces.id, w.id)).run();
    left.push({ ...w, state: 'left' });
  }
  return { joined, left };
}

/** Mark the workspace `id` left (a push was refused: the caller is no longer a member). Idempotent; the personal one never is. */
export function markWorkspaceLeft(replica: Replica, id: string, now: number): void {
  if (id === PERSONAL_WORKSPACE) return;
  replica.write((tx) => tx.db.update(workspaces).set({ state: 'left', updatedAt: now }).where(eq(workspaces.id, id)).run());
}

/**
 * Remove a left workspace from the replica: its records of every table, its
 * queued ops, their conflicts and undo entries, its sync state and its row.
 * One transaction. Throws UsageError for the personal or an active one
 * ("leave it first"). Returns how many records and ops went.
 */
export function forgetWorkspace(replica: Replica, id: string): { records: number; ops: number } {
  return replica.write((tx) => {
    const w = getWorkspace(tx, id);
    if (!w) throw new UsageError(`no workspace with id "${id}"; see convoy workspace list`);
    if (w.personal) throw new UsageError('the personal workspace cannot be forgotten');
    if (w.state !== 'left') throw new UsageError(`workspace ${w.name} is active; leave it first: convoy workspace leave ${w.name}`);
    let records = 0;
    for (const spec of SYNC_TABLES) {
      const ids = sql`(SELECT id FROM ${spec.table} WHERE ${spec.table.workspaceId} = ${id})`;
      tx.db.delete(conflicts).where(and(eq(conflicts.tableName, spec.name), sql`${conflicts.recordId} IN ${ids}`)).run();
      tx.db.delete(undoLog).where(and(eq(undoLog.tableName, spec.name), sql`${undoLog.recordId} IN ${ids}`)).run();
    }
    // Members and notes before the tasks they belong to (the reverse of the dependency order).
    for (const spec of [...SYNC_TABLES].reverse()) records += tx.db.delete(spec.table).where(eq(spec.table.workspaceId, id)).run().changes;
    const ops = tx.db.delete(outbox).where(eq(outbox.workspaceId, id)).run().changes;
    tx.db.delete(syncState).where(eq(syncState.workspaceId, id)).run();
    tx.db.delete(workspaces).where(eq(workspaces.id, id)).run();
    return { records, ops };
  });
}

/**
 * Refuse a local change to a record of workspace `workspaceId` when the
 * replica has left it (DeniedError, exit 7) or does not know it (UsageError).
 * The one check every local write path (changes.ts, undo) makes. Read-only;
 * one compiled lookup (a large import asks once per record).
 */
export function requireWritable(store: Store, workspaceId: string): void {
  if (workspaceId === PERSONAL_WORKSPACE) return;
  const found = compiled(store, 'workspace:state', () =>
    store.db.select({ name: workspaces.name, state: workspaces.state }).from(workspaces).where(eq(workspaces.id, sql.placeholder('id'))),
  ).all<{ name: string; state: string }>({ id: workspaceId })[0];
  if (!found) throw new UsageError(`no workspace with id "${workspaceId}"; see convoy workspace list`);
  if (found.state === 'left') {
    throw new DeniedError(`you are no longer a member of workspace ${found.name}: its tasks are read-only; convoy workspace forget ${found.name} removes them`);
  }
}
