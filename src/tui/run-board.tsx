/**
 * Start the board full-screen (the terminal's alternate screen, restored on
 * exit) and resolve when the user quits.
 */
import type { TerminalSize } from './hooks/use-terminal-size.js';
import { BoardApp } from './components/board-app.js';
import { InkContext, type Ink } from './ink.js';
import type { BoardModel } from './model.js';

export interface RunBoardOptions {
  color: boolean;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  size?: TerminalSize;
}

const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export async function runBoard(ink: Ink, model: BoardModel, options: RunBoardOptions): Promise<void> {
  const { stdout, stdin } = options;
  stdout.write(ENTER_ALT_SCREEN);
  const instance = ink.render(
    <InkContext.Provider value={ink}>
      <BoardApp model={model} color={options.color} size={options.size} />
    </InkContext.Provider>,
    { stdout, stdin, exitOnCtrlC: true, patchConsole: true },
  );
  // A polite kill (terminal closed, `kill`) quits like `q`, so the screen is restored.
  const quit = () => instance.unmount();
  process.once('SIGTERM', quit);
  process.once('SIGHUP', quit);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', quit);
    process.off('SIGHUP', quit);
    instance.cleanup();
    stdout.write(LEAVE_ALT_SCREEN);
  }
}
