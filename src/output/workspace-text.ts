/**
 * Workspaces and their members for people and scripts: the JSON shapes of
 * `convoy workspace …` (docs/workspaces.md lists them) and their tables.
 */
import type { LocalWorkspace } from '../db/workspaces.js';
import type { Identity, MemberInfo, WorkspaceRole } from '../schema/protocol.js';
import { paint, table } from './format.js';

/** One workspace, as `workspace list --json` prints it (and create, use, leave). */
export interface WorkspaceJson {
  /** The server's id; for the personal workspace your user id, null until a sync learned it. */
  id: string | null;
  name: string;
  role: WorkspaceRole;
  personal: boolean;
  /** `left`: you are no longer a member; the local copy is read-only until `convoy workspace forget`. */
  state: 'active' | 'left';
  /** New tasks, list and board use it (convoy workspace use). */
  current: boolean;
  /** Its local changes waiting to be pushed (kept, not pushed, while it is left). */
  pending: number;
}

export function workspaceJson(w: LocalWorkspace, current: boolean, pending: number): WorkspaceJson {
  return { id: w.serverId, name: w.name, role: w.role, personal: w.personal, state: w.state, current, pending };
}

/** One member, as `workspace members --json` prints it. */
export interface MemberJson {
  userId: string;
  /** From the member's token (name, else email) once the server has seen them; else null. */
  name: string | null;
  role: WorkspaceRole;
  /** The member is the user of this replica. */
  you: boolean;
}

export const memberJson = (m: MemberInfo, self: string): MemberJson => ({ userId: m.userId, name: m.name, role: m.role, you: m.userId === self });

/** Who wrote a value, for people: the name the server knows, else the user id; null when unknown. */
export function writerLabel(writer: Identity | null | undefined): string | null {
  if (!writer) return null;
  return writer.name ?? writer.userId;
}

const dim = (color: boolean) => (r: number, _c: number, cell: string) => (r === 0 ? paint(color, 'dim', cell) : cell);

/** The table of `workspace list`: the current one marked with `*`, left ones say so. */
export function workspacesTable(list: WorkspaceJson[], color: boolean): string {
  const rows = list.map((w) => [
    w.current ? '*' : '',
    w.name,
    w.role,
    w.state === 'left' ? 'left (read-only)' : 'active',
    String(w.pending),
    w.id ?? '-',
  ]);
  const style = (r: number, c: number, cell: string) => (r > 0 && c === 3 && list[r - 1]!.state === 'left' ? paint(color, 'yellow', cell) : dim(color)(r, c, cell));
  return table([['', 'NAME', 'ROLE', 'STATE', 'PENDING', 'ID'], ...rows], { style });
}

/** The table of `workspace members`. */
export function membersTable(members: MemberJson[], color: boolean): string {
  const rows = members.map((m) => [m.userId, m.name ?? '-', m.role, m.you ? 'you' : '']);
  return table([['USER ID', 'NAME', 'ROLE', ''], ...rows], { style: dim(color) });
}
