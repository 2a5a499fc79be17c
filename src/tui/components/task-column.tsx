/**
 * One status column: a title with the count, then one line per card (sync
 * glyph, priority, an overdue or due-soon marker, a blocked marker, the
 * title, then the tags: the line is cut with an ellipsis, so tags show where
 * they fit), scrolled so the selected card is always visible, with "n more"
 * lines where cards are hidden.
 */
import type { TaskView } from '../../db/views.js';
import { SYNC_GLYPHS } from '../../output/format.js';
import { COLUMN_TITLES, scrollWindow } from '../board-state.js';
import { useInk } from '../ink.js';
import { borderTone, emphasis, tone } from '../theme.js';
import type { Column } from '../ui-state.js';

export interface CardProps {
  task: TaskView;
  selected: boolean;
  color: boolean;
  /** The board's clock (ms), for the due markers. */
  now: number;
}

/** A due time within this of now is "due soon". */
const DUE_SOON_MS = 24 * 60 * 60 * 1000;
const PRIORITY_TONES = { H: 'red', M: 'yellow', L: 'dim' } as const;

/** ! overdue (red), ~ due within a day (yellow), nothing otherwise (or done/canceled). */
function dueMarker(task: TaskView, now: number): { text: string; colour: 'red' | 'yellow' } | null {
  if (task.due === null || task.status === 'done' || task.status === 'canceled') return null;
  if (task.due < now) return { text: '!', colour: 'red' };
  return task.due - now < DUE_SOON_MS ? { text: '~', colour: 'yellow' } : null;
}

export function Card({ task, selected, color, now }: CardProps) {
  const { Text } = useInk();
  const { glyph, colour } = SYNC_GLYPHS[task.syncStatus];
  const due = dueMarker(task, now);
  const tags = task.tags?.length ? ` ${task.tags.map((t) => `#${t}`).join(' ')}` : '';
  return (
    <Text wrap="truncate-end" {...(selected ? emphasis(color, true) : {})}>
      {selected ? '›' : ' '} <Text {...tone(color, colour)}>{glyph}</Text>
      {task.priority ? <Text {...tone(color, PRIORITY_TONES[task.priority])}>{` ${task.priority}`}</Text> : null}
      {due ? <Text {...tone(color, due.colour)}>{` ${due.text}`}</Text> : null}
      {task.blocked ? <Text {...tone(color, 'magenta')}> ⧗</Text> : null} {task.title}
      <Text {...tone(color, 'cyan')}>{tags}</Text>
    </Text>
  );
}

export interface TaskColumnProps {
  column: Column;
  focused: boolean;
  width: number;
  /** Total lines, borders included. */
  height: number;
  color: boolean;
  now: number;
}

export function TaskColumn({ column, focused, width, height, color, now }: TaskColumnProps) {
  const { Box, Text } = useInk();
  const { count, selected, status } = column;
  const view = scrollWindow(count, Math.max(0, selected), Math.max(1, height - 3));
  // The loaded window covers what is shown (src/tui/board-data.ts loads screens on each side).
  const first = Math.max(view.start, column.start);
  const shown = column.rows.slice(first - column.start, Math.max(0, view.end - column.start));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={borderTone(color, focused)} overflow="hidden">
      <Text wrap="truncate-end" {...(focused ? emphasis(color) : tone(color, 'dim'))}>
        {focused ? '▸ ' : '  '}
        {COLUMN_TITLES[status]} ({count})
      </Text>
      {view.above > 0 ? <Text {...tone(color, 'dim')}>{`  ↑ ${view.above} more`}</Text> : null}
      {shown.map((task, i) => (
        <Card key={task.id} task={task} selected={focused && first + i === selected} color={color} now={now} />
      ))}
      {view.below > 0 ? <Text {...tone(color, 'dim')}>{`  ↓ ${view.below} more`}</Text> : null}
      {count === 0 ? <Text {...tone(color, 'dim')}>{status === 'todo' ? '  (empty: n adds a task)' : '  (empty)'}</Text> : null}
    </Box>
  );
}
