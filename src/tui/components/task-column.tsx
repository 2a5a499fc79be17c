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
  const { tasks, selected, status } = column;
  const view = scrollWindow(tasks.length, Math.max(0, selected), Math.max(1, height - 3));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={borderTone(color, focused)} overflow="hidden">
      <Text wrap="truncate-end" {...(focused ? emphasis(color) : tone(color, 'dim'))}>
        {focused ? '▸ ' : '  '}
        {COLUMN_TITLES[status]} ({tasks.length})
      </Text>
      {view.above > 0 ? <Text {...tone(color, 'dim')}>{`  ↑ ${view.above} more`}</Text> : null}
      {tasks.slice(view.start, view.end).map((task, i) => (
        <Card key={task.id} task={task} selected={focused && view.start + i === selected} color={color} />
      ))}
      {view.below > 0 ? <Text {...tone(color, 'dim')}>{`  ↓ ${view.below} more`}</Text> : null}
      {tasks.length === 0 ? <Text {...tone(color, 'dim')}>{status === 'todo' ? '  (empty: n adds a task)' : '  (empty)'}</Text> : null}
    </Box>
  );
}
