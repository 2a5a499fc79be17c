/**
 * Rendering records for people and scripts. Pure functions.
 */
import type { OpView, ProjectView, SyncStatus, TaskView } from '../db/views.js';
import { projects, tasks } from '../schema/tables.js';
import { iso, recordJson } from './fields.js';

export { iso };

/** The stable JSON shape of a task (docs/architecture.md, "CLI contract"), from its declaration. */
export const taskJson = (task: TaskView) => ({ ...recordJson(tasks, task), blocked: task.blocked ?? false });

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

/** Display width of a string in terminal columns (string-width when loaded; else one column per code point). */
export type WidthOf = (text: string) => number;
const codePoints: WidthOf = (text) => [...text].length;

// Built on first cut only: creating a Segmenter loads ICU data, which `convoy add` should not pay for.
let segmenter: Intl.Segmenter | undefined;

/** Cut `text` to `width` columns, ending with an ellipsis when cut; never inside a character (grapheme). */
export function truncate(text: string, width: number, widthOf: WidthOf = codePoints): string {
  if (width <= 0) return '';
  if (widthOf(text) <= width) return text;
  let out = '';
  let used = 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    const w = widthOf(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** `text` padded with spaces to `width` columns. */
const padEnd = (text: string, width: number, widthOf: WidthOf) => text + ' '.repeat(Math.max(0, width - widthOf(text)));

export interface TableOptions {
  /** Cut the last column to fit this many columns (a terminal); undefined: never cut. */
  maxWidth?: number;
  /** Display width of a cell (wide CJK and emoji count two). */
  widthOf?: WidthOf;
  style?: (row: number, col: number, cell: string) => string;
}

/**
 * Align rows into columns separated by two spaces, by display width. The
 * last column is not padded (and is cut to fit `maxWidth` when given).
 * Colours are applied after padding so escape codes never break alignment.
 */
export function table(rows: string[][], options: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const { maxWidth, widthOf = codePoints, style } = options;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, widthOf(cell))));
  const lastStart = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  return rows
    .map((row, r) =>
      row
        .map((cell, c) => {
          const isLast = c === row.length - 1;
          const text = isLast ? (maxWidth ? truncate(cell, maxWidth - lastStart, widthOf) : cell) : padEnd(cell, widths[c]!, widthOf);
          return style ? style(r, c, text) : text;
        })
        .join('  '),
    )
    .join('\n');
}

const two = (n: number) => String(n).padStart(2, '0');

/** Epoch ms as local time, "2026-12-01 13:54:27 +01:00"; "-" for null. */
export function localTime(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
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
