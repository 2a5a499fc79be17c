/**
 * Colours for the board. Every style goes through `tone`, so with colour off
 * (NO_COLOR, TERM=dumb) the board emits no ANSI styling at all and relies on
 * glyphs and the `›` selection marker instead.
 */
import type { Colour } from '../output/format.js';

export interface Tone {
  color?: string;
  dimColor?: boolean;
  bold?: boolean;
  inverse?: boolean;
}

/** Ink <Text> props for a colour of the CLI palette; none when colour is off. */
export function tone(enabled: boolean, colour: Colour | undefined): Tone {
  if (!enabled || colour === undefined) return {};
  if (colour === 'dim') return { dimColor: true };
  if (colour === 'bold') return { bold: true };
  return { color: colour };
}

/** Emphasis (selected card, focused column title); none when colour is off. */
export function emphasis(enabled: boolean, inverse = false): Tone {
  if (!enabled) return {};
  return inverse ? { inverse: true, bold: true } : { bold: true };
}

/** Ink <Box> border colour; undefined when colour is off. */
export function borderTone(enabled: boolean, focused: boolean): string | undefined {
  if (!enabled) return undefined;
  return focused ? 'cyan' : 'gray';
}
