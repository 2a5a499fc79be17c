/**
 * The real `convoy board` (the built binary) in a real terminal: tmux. Also
 * writes docs/board-screenshot.txt, the README's screenshot, so it stays true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, convoy, ensureBuilt, ROOT } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAVE_TMUX) console.warn('SKIPPED: the convoy board end-to-end tests need tmux (e.g. apt-get install tmux)');

const SCREENSHOT = join(ROOT, 'docs', 'board-screenshot.txt');
// eslint-disable-next-line no-control-regex -- an ANSI colour sequence is the point
const SGR = /\u001b\[[0-9;]*m/;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A local port nothing listens on (the "backend" of the offline test); fixed, so the screenshot is stable. */
async function closedPort(): Promise<number> {
  const port = 47999;
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
  if (!refused) throw new Error(`something listens on 127.0.0.1:${port}; the offline test needs a closed port`);
  return port;
}

describe.skipIf(!HAVE_TMUX)('convoy board in a terminal (tmux, built binary)', () => {
  let dir: string;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', join(dir, 'tmux.sock'), ...args], { encoding: 'utf8' });
  const screen = (name: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name).stdout;

  async function waitForScreen(name: string, text: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = screen(name);
      if (shown.includes(text)) return shown;
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear within ${timeoutMs} ms; the screen:\n${shown}`);
      await sleep(50);
    }
  }

  /** Start `convoy board` in a new 80×24 tmux session with a clean environment. */
  function startBoard(name: string, home: string, env: Record<string, string> = {}): void {
    const vars = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CONVOY_HOME: home, TERM: 'screen-256color', ...env };
    const assignments = Object.entries(vars).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const command = `env -i ${assignments} ${quote(process.execPath)} ${quote(BIN)} board; echo "exit=$?"; sleep 60`;
    const started = tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', command);
    if (started.status !== 0) throw new Error(`tmux new-session failed: ${started.stderr}`);
  }

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'convoy-tmux-'));
    const help = convoy(dir, ['board', '--help']);
    if (!help.stdout.includes('Usage: convoy board')) {
      throw new Error('`convoy board` is not in the built CLI: wire boardCommand into src/cli.ts, then npm run build');
    }
  });

  afterAll(() => {
    if (!dir) return;
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  });

  it('n, a title and Enter: the task is in the replica and on the screen; s while offline says so', async () => {
    const home = tempHome();
    const seed = [
      { title: 'Ship 0.1', status: 'done' },
      { title: 'Set up CI', status: 'done' },
      { title: 'Fix login on Safari when the password manager autofills', status: 'in_progress' },
      { title: 'Review the sync protocol', status: 'in_progress' },
      { title: 'Write the release notes', status: 'todo' },
      { title: 'Answer support mail', status: 'todo' },
    ];
    expect(convoy(home, ['import', '-'], { input: seed.map((t) => JSON.stringify({ op: 'create', ...t })).join('\n') }).code).toBe(0);
    startBoard('create', home, { CONVOY_CONVEX_URL: `http://127.0.0.1:${await closedPort()}`, CONVOY_CONVEX_TOKEN: 'e2e' });
    await waitForScreen('create', 'To do (2)');
    tmux('send-keys', '-t', 'create', 'n');
    await waitForScreen('create', 'New task in To do');
    tmux('send-keys', '-t', 'create', '-l', 'Buy milk');
    tmux('send-keys', '-t', 'create', 'Enter');
    await waitForScreen('create', '› ↑ Buy milk');
    const listed = JSON.parse(convoy(home, ['list', '--json']).stdout) as { title: string; status: string; syncStatus: string }[];
    expect(listed.find((t) => t.title === 'Buy milk')).toMatchObject({ status: 'todo', syncStatus: 'pending' });

    tmux('send-keys', '-t', 'create', 's');
    const offline = await waitForScreen('create', 'nothing lost');
    expect(offline).toContain('○ offline');
    expect(screen('create', true)).toMatch(SGR); // colours in a colour terminal
    const text = offline.split('\n').map((line) => line.trimEnd()).join('\n').trimEnd();
    writeFileSync(SCREENSHOT, `${text}\n`);

    tmux('send-keys', '-t', 'create', 'q');
    await waitForScreen('create', 'exit=0');
  });

  it('shows a task added by another process within 2 s, without colour under NO_COLOR', async () => {
    const home = tempHome();
    convoy(home, ['add', 'Already here']);
    startBoard('live', home, { NO_COLOR: '1' });
    await waitForScreen('live', '↑ Already here');
    const added = convoy(home, ['add', 'From another shell']);
    expect(added.code).toBe(0);
    const started = Date.now();
    await waitForScreen('live', '↑ From another shell', 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(screen('live', true)).not.toMatch(SGR);
    tmux('send-keys', '-t', 'live', 'Escape');
    await waitForScreen('live', 'exit=0');
  });

  it('refuses to run without a terminal and suggests convoy list', () => {
    const result = convoy(tempHome(), ['board']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an interactive terminal.*convoy list/);
  });
});
