/**
 * Conflicts held for a decision (the manual policy): both values side by
 * side; `l` keeps the local one, `R` takes the remote one.
 */
import { useInk } from '../ink.js';
import type { ConflictItem } from '../model.js';
import { emphasis, tone } from '../theme.js';

export interface ConflictsViewProps {
  items: ConflictItem[];
  index: number;
  height: number;
  color: boolean;
}

export function ConflictsView({ items, index, height, color }: ConflictsViewProps) {
  const { Box, Text } = useInk();
  const selected = Math.min(index, items.length - 1);
  const room = Math.max(1, height - 4);
  const start = Math.max(0, Math.min(selected - Math.floor(room / 2), items.length - room));
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1} overflow="hidden">
      <Text {...emphasis(color)}>Conflicts waiting for a decision ({items.length})</Text>
      <Text {...tone(color, 'dim')} wrap="truncate-end">
        l keeps local (it wins at the next sync) · R takes remote
      </Text>
      {items.length === 0 ? <Text>No conflicts wait for a decision.</Text> : null}
      {items.slice(start, start + room).map(({ conflict, label }, i) => {
        const isSelected = start + i === selected;
        return (
          <Text key={conflict.id} wrap="truncate-end" {...(isSelected ? emphasis(color, true) : {})}>
            {isSelected ? '›' : ' '} {label} · {conflict.field}: <Text {...tone(color, 'cyan')}>local {JSON.stringify(conflict.local)}</Text> ·{' '}
            <Text {...tone(color, 'magenta')}>remote {JSON.stringify(conflict.remote)}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
