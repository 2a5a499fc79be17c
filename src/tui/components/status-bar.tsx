/**
 * The two bottom lines: the input line, sync progress or the last notice;
 * then the keys that work in the current mode.
 */
import { useInk } from '../ink.js';
import type { Notice } from '../sync-messages.js';
import { tone } from '../theme.js';
import { inputPrompt } from '../typing.js';
import type { Mode } from '../ui-state.js';

export interface StatusBarProps {
  mode: Mode;
  notice: Notice | null;
  progress: string | null;
  /** Shown when there is nothing else to say (why the last sync failed). */
  fallback: Notice | null;
  color: boolean;
  width: number;
}

const NOTICE_COLOURS = { info: undefined, ok: 'green', warn: 'yellow', error: 'red' } as const;

/** The board's hints when the terminal is too narrow for all of them (? lists every key). */
const SHORT_BOARD_HINTS = 'n new  [ ] move  Enter open  s sync  c conflicts  / filter  ? help  q quit';

const HINTS: Record<Mode['kind'], string> = {
  board: 'n new  e edit  t tag  N note  [ ] move  Enter open  s sync  r retry  c conflicts  / filter  x canceled  ? help  q quit',
  input: 'Enter saves  Esc cancels  Ctrl-U clears',
  detail: 'Esc back  e edit  t tag  N note  s sync',
  conflicts: '↑ ↓ choose  l keep local  R take remote  s sync  Esc back',
  help: 'any key closes the help',
};

function MessageLine({ mode, notice, progress, fallback, color }: StatusBarProps) {
  const { Text } = useInk();
  if (mode.kind === 'input') {
    return (
      <Text wrap="truncate-start">
        <Text {...tone(color, 'cyan')}>{inputPrompt(mode)}</Text>
        {mode.value}
        <Text {...(color ? { inverse: true } : {})}>{color ? ' ' : '_'}</Text>
      </Text>
    );
  }
  if (progress) return <Text {...tone(color, 'cyan')} wrap="truncate-end">{`⟳ ${progress}`}</Text>;
  const shown = notice ?? fallback;
  if (shown) return <Text {...tone(color, NOTICE_COLOURS[shown.tone])} wrap="truncate-end">{shown.text}</Text>;
  return <Text> </Text>;
}

function hintsFor(mode: Mode, width: number): string {
  if (mode.kind === 'input' && mode.purpose === 'filter') return 'typing filters  Enter keeps  Esc clears';
  if (mode.kind === 'board' && HINTS.board.length > width) return SHORT_BOARD_HINTS;
  return HINTS[mode.kind];
}

function HintLine({ mode, notice, color, width }: StatusBarProps) {
  const { Text } = useInk();
  // While typing, the input takes the message line: a refusal (e.g. a title too long) shows here instead.
  if (mode.kind === 'input' && notice) return <Text {...tone(color, NOTICE_COLOURS[notice.tone])} wrap="truncate-end">{notice.text}</Text>;
  const hints = hintsFor(mode, width);
  return (
    <Text {...tone(color, 'dim')} wrap="truncate-end">
      {hints}
    </Text>
  );
}

export function StatusBar(props: StatusBarProps) {
  const { Box } = useInk();
  return (
    <Box flexDirection="column">
      <MessageLine {...props} />
      <HintLine {...props} />
    </Box>
  );
}
