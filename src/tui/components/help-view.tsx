/**
 * `?`: the key map and the legend of the glyphs.
 */
import { SYNC_GLYPHS } from '../../output/format.js';
import { CONNECTIVITY_GLYPHS } from '../connectivity.js';
import { useInk } from '../ink.js';
import { emphasis, tone } from '../theme.js';

export const KEY_MAP: [string, string][] = [
  ['← → h l', 'focus a column'],
  ['↑ ↓ j k', 'select a card (PgUp PgDn g G)'],
  ['n', 'new task in this column'],
  ['e', 'edit the title'],
  ['t', 'add a tag to the selected task'],
  ['N', 'add a note to the selected task'],
  ['[ ] < >', 'move to the previous/next column'],
  ['Enter', 'details: due, tags, blocked by, notes, ops, conflicts'],
  ['s', 'sync now'],
  ['r', 'retry failed ops'],
  ['c', 'conflicts: l keeps local, R remote'],
  ['/', 'filter by text (Esc clears)'],
  ['x', 'show/hide Canceled'],
  ['?', 'this help'],
  ['q Esc Ctrl-C', 'quit (Esc first closes a view)'],
];

export const CARD_LEGEND: [keyof typeof SYNC_GLYPHS, string][] = [
  ['synced', 'synced'],
  ['pending', 'pending: not pushed yet'],
  ['failed', 'failed: refused (r retries)'],
  ['conflict', 'conflict: decide with c'],
];

const HEADER_LEGEND: [keyof typeof CONNECTIVITY_GLYPHS, string][] = [
  ['online', 'online: last sync worked'],
  ['offline', 'offline / never synced'],
  ['syncing', 'syncing'],
  ['error', 'error: last sync failed'],
];

export function HelpView({ height, color }: { height: number; color: boolean }) {
  const { Box, Text } = useInk();
  return (
    <Box height={height} borderStyle="round" paddingX={1} overflow="hidden">
      <Box flexDirection="column" flexGrow={1}>
        <Text {...emphasis(color)}>Keys</Text>
        {KEY_MAP.map(([keys, what]) => (
          <Text key={keys} wrap="truncate-end">
            <Text {...tone(color, 'cyan')}>{keys.padEnd(13)}</Text>
            {what}
          </Text>
        ))}
      </Box>
      <Box flexDirection="column" width={30}>
        <Text {...emphasis(color)}>Cards</Text>
        {CARD_LEGEND.map(([status, what]) => (
          <Text key={status} wrap="truncate-end">
            <Text {...tone(color, SYNC_GLYPHS[status].colour)}>{SYNC_GLYPHS[status].glyph}</Text> {what}
          </Text>
        ))}
        <Text> </Text>
        <Text {...emphasis(color)}>Header</Text>
        {HEADER_LEGEND.map(([state, what]) => (
          <Text key={state} wrap="truncate-end">
            <Text {...tone(color, CONNECTIVITY_GLYPHS[state].colour)}>{CONNECTIVITY_GLYPHS[state].glyph}</Text> {what}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
