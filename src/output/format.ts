/**
 * Rendering records for people and scripts. Pure functions.
 */
import type { OpView, ProjectView, SyncStatus, TaskView } from '../db/views.js';
import { projects, tasks } from '../schema/tables.js';
import { iso, recordJson } from './fields.js';

export { iso };

/** The stable JSON shape of a task (docs/architecture.md, "CLI contract"), from its declaration. */
export const taskJson = (task: TaskView) => recordJson(tasks, task);

/** The stable JSON shape of a project, from its declaration. */
export const projectJson = (project: ProjectView) => recordJson(projects, project);

export function opJson(op: OpView) {
  return {
    seq: op.seq,
    op: op.op,
    table: op.tableName,
    recordId: op.recordId,
    fields: op.fields,
    baseVersion: op.baseVersion,
    state: op.state,
    attempts: op.attempts,
    lastError: op.lastError,
    createdAt: iso(op.createdAt)!,
  };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

/** Wrap `text` in an ANSI style when `enabled`. */
export function paint(enabled: boolean, colour: Colour, text: string): string {
  return enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

export const SYNC_GLYPHS: Record<SyncStatus, { glyph: string; colour: Colour }> = {
  synced: { glyph: '✓', colour: 'green' },
  pending: { glyph: '↑', colour: 'yellow' },
  failed: { glyph: '✗', colour: 'red' },
  conflict: { glyph: '!', colour: 'magenta' },
};

/** Cut `text` to `width` characters, ending with an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Align rows into columns separated by two spaces. The last column is not
 * padded (and is cut to fit `maxWidth` when given). Colours are applied after
 * padding so escape codes never break alignment.
 */
export function table(rows: string[][], maxWidth?: number, style?: (row: number, col: number, cell: string) => string): string {
  if (rows.length === 0) return '';
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const lastStart = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  return rows
    .map((row, r) =>
      row
        .map((cell, c) => {
          const isLast = c === row.length - 1;
          const text = isLast ? (maxWidth ? truncate(cell, maxWidth - lastStart) : cell) : cell.padEnd(widths[c]!);
          return style ? style(r, c, text) : text;
        })
        .join('  '),
    )
    .join('\n');
}

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago"; "never" for null. */
export function relativeTime(ms: number | null, now: number): string {
  if (ms === null) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
