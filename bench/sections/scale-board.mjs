// The board of the scale section, driven in tmux like test/tui/board.e2e.test.ts:
// first frame, resident memory, idle CPU, how soon another process's add shows,
// and how soon `G` (the end of a long column) is drawn.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assertOk, runConvoy, summarize } from '../lib.mjs';

const IDLE_SECONDS = 10;
const LIVE_ADDS = 3;
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM (peak) of a live process, in MiB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * Start the board on `home` in tmux and measure it. `quick`: only the first
 * frame and memory (the baseline on a replica of a few tasks).
 */
export async function boardFigures(ctx, { home, bin, env, cpuMs, quick = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'convoy-scale-tmux-'));
  const tmux = (...args) => spawnSync('tmux', ['-S', join(dir, 'tmux.sock'), ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'scale').stdout ?? '';
  async function waitFor(test, timeoutMs = 30_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const shown = screen();
      if (test(shown)) return performance.now();
      if (performance.now() > deadline) throw new Error(`scale board: timed out; the screen:\n${shown}`);
      await sleep(10);
    }
  }
  try {
    const vars = { PATH: env.PATH ?? '/usr/bin:/bin', HOME: home, CONVOY_HOME: home, TERM: 'screen-256color', NO_COLOR: '1' };
    const assignments = Object.entries(vars).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    // exec: the pane's process is the board itself, so its pid is the pane's.
    const command = `exec env -i ${assignments} ${quote(process.execPath)} ${quote(bin)} board`;
    const started = performance.now();
    const made = tmux('new-session', '-d', '-s', 'scale', '-x', '120', '-y', '40', command);
    if (made.status !== 0) throw new Error(`tmux new-session failed: ${made.stderr}`);
    const pid = Number(tmux('display-message', '-p', '-t', 'scale', '#{pane_pid}').stdout.trim());
    const firstFrameMs = (await waitFor((s) => /To do \(\d+\)/.test(s))) - started;
    // CPU the board used until then: steadier than wall time when other work shares the CPUs.
    const firstFrameCpuMs = cpuMs(pid);
    ctx.log(`scale: board first frame after ${firstFrameMs.toFixed(0)} ms, ${firstFrameCpuMs?.toFixed(0)} ms of CPU (pid ${pid})`);
    if (quick) {
      await sleep(500);
      return { firstFrameMs, firstFrameCpuMs, ...memory(pid) };
    }
    await sleep(1_000); // let start-up settle before measuring idle
    const cpuBefore = cpuMs(pid);
    await sleep(IDLE_SECONDS * 1000);
    const idleCpuPct = ((cpuMs(pid) - cpuBefore) / (IDLE_SECONDS * 1000)) * 100;
    const live = [];
    for (let i = 0; i < LIVE_ADDS; i++) {
      const title = `scale live ${Date.now()}-${i}`;
      const added = assertOk(await runConvoy(home, ['add', title]), 'convoy add (live)');
      if (!added) throw new Error('scale board: add failed');
      // From the add's exit (its commit is done) to the card on screen.
      const committed = performance.now();
      live.push((await waitFor((s) => s.includes(title), 10_000)) - committed);
    }
    const beforeEnd = performance.now();
    tmux('send-keys', '-t', 'scale', 'G');
    const endKeyMs = (await waitFor((s) => /↑ [\d,]+ more/.test(s))) - beforeEnd;
    const mem = memory(pid);
    tmux('send-keys', '-t', 'scale', 'q');
    return { firstFrameMs, firstFrameCpuMs, idleSeconds: IDLE_SECONDS, idleCpuPct, liveMs: summarize(live), endKeyMs, ...mem };
  } finally {
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  }
}
