/**
 * Ink arrives as a parameter, never as a static import: the CLI is a CommonJS
 * bundle run from a code-cached vm script, and Ink is ESM with top-level
 * await, so `src/commands/board.ts` loads it with `importLazy('ink')` and
 * hands the module to `runBoard`, which provides it to every component here.
 * (React itself is CommonJS and is imported normally; the bundle only
 * requires it when the board module initialises.)
 */
import { createContext, useContext } from 'react';
import type * as InkModule from 'ink';

export type Ink = typeof InkModule;

export const InkContext = createContext<Ink | null>(null);

/** The Ink module the board was started with. */
export function useInk(): Ink {
  const ink = useContext(InkContext);
  if (!ink) throw new Error('useInk: render the board inside <InkContext.Provider value={ink}> (see runBoard)');
  return ink;
}
