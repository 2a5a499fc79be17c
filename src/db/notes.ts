/**
 * Notes on a task: an append-only synced table (src/schema/tables.ts), so a
 * note is only ever created, and notes never conflict. Written through the
 * one write path (changes.ts): queued, synced and undone like any record.
 */
import { asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { UsageError } from '../errors.js';
import type { FieldValue } from '../schema/protocol.js';
import { taskNotes as notesDecl, tasks as tasksDecl } from '../schema/tables.js';
import { insertRecord, recordWorkspace } from './changes.js';
import { newRow } from './inputs.js';
import type { Store, WriteTx } from './open.js';
import { specFor } from './registry.js';
import { task_notes as notes } from './schema.js';

const spec = specFor(notesDecl.name);

export interface NoteView {
  id: string;
  taskId: string;
  text: string;
  createdAt: number;
}

/**
 * Add a note to the task `taskId` (a full id), queuing its create op, inside
 * the caller's write transaction. Throws UsageError for empty or too long
 * text. Returns the note.
 */
export function createNote(tx: WriteTx, taskId: string, text: string, now: number, id: string = uuidv7(), createdAt: number = now): NoteView {
  // A note belongs to its task's workspace.
  const workspace = recordWorkspace(tx, specFor(tasksDecl.name), taskId);
  const row: Record<string, FieldValue> = { ...newRow(spec, id, { taskId, text }, now, workspace), createdAt };
  const problem = spec.validate(Object.fromEntries(spec.fields.map((f) => [f, row[f]!])), 'create');
  if (problem) throw new UsageError(`note: ${problem.message.replace(/^text /, '')}`);
  insertRecord(tx, spec, row);
  return { id, taskId, text, createdAt };
}

/** The notes of task `taskId`, oldest first. Read-only. */
export function notesOf(store: Store, taskId: string): NoteView[] {
  return store.db
    .select({ id: notes.id, taskId: notes.taskId, text: notes.text, createdAt: notes.createdAt })
    .from(notes)
    .where(eq(notes.taskId, taskId))
    .orderBy(asc(notes.createdAt), asc(notes.id))
    .all() as NoteView[];
}
