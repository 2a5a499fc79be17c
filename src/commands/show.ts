import { recordTitle, shortId } from '../db/lookup.js';
import type { Store } from '../db/open.js';
import { cycleInput, cyclesThrough } from '../db/cycles.js';
import { specFor } from '../db/registry.js';
import { findTask, queuedOps } from '../db/tasks.js';
import type { TaskView } from '../db/views.js';
import type { Context } from '../context.js';
import { labelledFields } from '../output/fields.js';
import { notesOf } from '../db/notes.js';
import { setsOf } from '../db/sets.js';
import { iso, localTime, opJson, paint, table, taskJson } from '../output/format.js';
import { cycleWarning, statusText, syncGlyph } from '../output/task-text.js';
import { tasks } from '../schema/tables.js';
import { conflictViews } from '../db/conflicts.js';
import { getWorkspace } from '../db/workspaces.js';
import type { ConflictView } from '../db/views.js';
import { writerLabel } from '../output/workspace-text.js';
import { conflictJson } from './conflicts.js';

export interface ShowOptions {
  json?: boolean;
}

/** A referenced record as a person reads it: its title and short id ("Website (3fa9c1)"); "-" for none. */
function refText(store: Store, table: string, id: string | null): string {
  if (id === null) return '-';
  const title = recordTitle(store, table, id);
  const short = shortId(store, specFor(table), id);
  return title === undefined ? id : `${title} (${short})`;
}

/**
 * The labelled rows of `show`, from the declaration: id, the fields (refs by
 * name), then the times in local time (created, updated, then the declared
 * ones such as completed), sync.
 */
function fieldRows(store: Store, task: TaskView, color: boolean): string[][] {
  const values = task as unknown as Record<string, unknown>;
  const shown = labelledFields(tasks);
  const rows = [['id', `${task.id} (${shortId(store, specFor(tasks.name), task.id)})`]];
  for (const { name, label, field } of shown) {
    const value = values[name];
    if (field.type.kind === 'time') continue;
    if (field.type.kind === 'ref') rows.push([label, refText(store, field.type.table, value as string | null)]);
    else if (name === 'status') rows.push([label, statusText(value as TaskView['status'], color)]);
    else rows.push([label, (value as string | null) || '-']);
  }
  // Set-valued fields: tags as words, task references by title and short id.
  for (const { field, member } of setsOf(tasks.name).map((s) => ({ field: s.set.field, member: s.member }))) {
    const members = (values[field] as string[] | undefined) ?? [];
    const ref = member.type.kind === 'ref' ? member.type.table : null;
    const text = members.map((m) => (ref === null ? m : refText(store, ref, m))).join(ref === null ? ' ' : ', ');
    rows.push([labelOf(field), text || '-']);
  }
  if (task.blocked) rows.push(['blocked', paint(color, 'yellow', 'yes: waits for an open task')]);
  const times = shown.filter((s) => s.field.type.kind === 'time').sort((a, b) => Number(b.name === 'createdAt') - Number(a.name === 'createdAt'));
  const [created, ...declared] = times;
  if (created) rows.push([created.label, localTime(values[created.name] as number)]);
  rows.push(['updated', localTime(task.updatedAt)]);
  for (const { name, label } of declared) rows.push([label, localTime(values[name] as number | null)]);
  rows.push(['sync', syncGlyph(task.syncStatus, color)]);
  return rows;
}

/** A set's label in `show`: its name in words (blockedBy -> "blocked by"). */
const labelOf = (field: string) => field.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** A conflict on one line: each side and who wrote it (the local side is you), and how it was settled. */
function conflictLine(c: ConflictView, color: boolean): string {
  const writer = writerLabel(c.remoteWriter);
  const settled = c.winner === 'pending' ? paint(color, 'magenta', `waits: convoy resolve ${c.id} --take local|remote`) : `kept ${c.winner === 'local' ? 'yours' : 'theirs'} (${c.policy})`;
  return `  ${c.field}: you ${JSON.stringify(c.local)} · ${writer ?? 'remote'} ${JSON.stringify(c.remote)} → ${settled}`;
}

/** `convoy show <id>`: one task, its sync state, its conflicts and its queued ops. */
export async function showCommand(id: string, options: ShowOptions, ctx: Context): Promise<void> {
  const replica = ctx.replica();
  const task = findTask(replica, id);
  const ops = queuedOps(replica, tasks.name, task.id).map(opJson);
  const json = taskJson(task);
  const spec = specFor(tasks.name);
  const notes = notesOf(replica, task.id);
  const notesJson = notes.map((n) => ({ id: n.id, text: n.text, createdAt: iso(n.createdAt) }));
  // A cycle merged from offline edits (A's parent B, B's parent A; A blocked by B, B by A): shown, never followed.
  const cycles = cyclesThrough(replica, spec, task.id);
  const conflicts = conflictViews(replica, { all: true }).filter((c) => c.tableName === tasks.name && c.recordId === task.id);
  const home = getWorkspace(replica, task.workspaceId);
  const workspace = { id: home?.serverId ?? null, name: home?.name ?? task.workspaceId };
  ctx.reporter.result({ ...json, notes: notesJson, queuedOps: ops, cycles, conflicts: conflicts.map(conflictJson), workspace }, () => {
    const { color } = ctx.reporter;
    const rows = fieldRows(replica, task, color);
    // Only a shared workspace is worth a line; a left one says why the task cannot change.
    if (home && !home.personal) rows.splice(1, 0, ['workspace', home.state === 'left' ? `${home.name} ${paint(color, 'yellow', '(left: read-only)')}` : home.name]);
    const lines = [table(rows.map(([k, v]) => [`${k}:`, v!]))];
    for (const c of cycles) lines.push(cycleWarning(cycleInput(c), c.ids.map((id) => shortId(replica, spec, id)), color));
    if (task.description) lines.push('', task.description);
    if (notes.length) lines.push('', paint(color, 'bold', `Notes (${notes.length}):`));
    for (const note of notes) lines.push(`  ${paint(color, 'dim', localTime(note.createdAt))}  ${note.text.replace(/\n/g, '\n    ')}`);
    if (conflicts.length) lines.push('', paint(color, 'bold', `Conflicts (${conflicts.length}):`), ...conflicts.map((c) => conflictLine(c, color)));
    lines.push('', ops.length ? paint(color, 'bold', `Queued ops (${ops.length}):`) : 'No queued ops: in step with the last sync.');
    for (const op of ops) {
      const error = op.lastError ? `  last error: ${op.lastError}` : '';
      lines.push(`  #${op.seq} ${op.op} ${JSON.stringify(op.fields)} [${op.state}, ${op.attempts} attempts]${error}`);
    }
    return lines.join('\n');
  });
}
