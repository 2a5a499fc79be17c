import type { Context } from '../context.js';
import { createNote } from '../db/notes.js';
import { findTask } from '../db/tasks.js';
import { UsageError } from '../errors.js';
import { runHook } from '../hooks.js';
import { iso, taskJson } from '../output/format.js';
import { describeTask } from '../output/task-text.js';

export interface NoteOptions {
  json?: boolean;
}

/**
 * `convoy note <id> <text…>`: add a timestamped note to a task (works
 * offline; notes sync and never conflict); then the on-modify hook. `-` or
 * no words with piped stdin: the note is stdin, newlines kept.
 */
export async function noteCommand(id: string, words: string[], options: NoteOptions, ctx: Context, readStdin: (() => Promise<string>) | null): Promise<void> {
  const fromStdin = words.length === 0 || (words.length === 1 && words[0] === '-');
  if (fromStdin && readStdin === null) throw new UsageError('text: give the note after the task id, e.g. convoy note 3fa9c1 Called the bank');
  const text = fromStdin ? (await readStdin!()).replace(/^\uFEFF/, '').trim() : words.join(' ');
  const replica = ctx.replica();
  const { task, note } = replica.write((tx) => {
    const found = findTask(tx, id);
    return { task: found, note: createNote(tx, found.id, text, ctx.now()) };
  });
  const json = { id: note.id, taskId: task.id, text: note.text, createdAt: iso(note.createdAt) };
  ctx.reporter.result(json, () => `Noted on ${describeTask(task, ctx.reporter.color)}`);
  await runHook(ctx, 'on-modify', taskJson(task));
}
