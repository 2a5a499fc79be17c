/**
 * One status column: a title with the count, then one line per card (sync
 * glyph and title, cut with an ellipsis), scrolled so the selected card is
 * always visible, with "n more" lines where cards are hidden.
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
}

export function Card({ task, selected, color }: CardProps) {
  const { Text } = useInk();
  const { glyph, colour } = SYNC_GLYPHS[task.syncStatus];
  return (
    <Text wrap="truncate-end" {...(selected ? emphasis(color, true) : {})}>
      {selected ? '›' : ' '} <Text {...tone(color, colour)}>{glyph}</Text> {task.title}
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
}

export function TaskColumn({ column, focused, width, height, color }: TaskColumnProps) {
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
        <Card key={task.id} task={task} selected={focused && first + i === selected} color={color} />
      ))}
      {view.below > 0 ? <Text {...tone(color, 'dim')}>{`  ↓ ${view.below} more`}</Text> : null}
      {count === 0 ? <Text {...tone(color, 'dim')}>{status === 'todo' ? '  (empty: n adds a task)' : '  (empty)'}</Text> : null}
    </Box>
  );
}
