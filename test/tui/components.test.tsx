import * as ink from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { acquireDaemonLock } from '../../src/sync/lock.js';
import { addTask, listTasks } from '../../src/db/tasks.js';
import { scrollWindow } from '../../src/tui/board-state.js';
import { SyncHeader, type SyncHeaderProps } from '../../src/tui/components/sync-header.js';
import { connectivity } from '../../src/tui/connectivity.js';
import { InkContext } from '../../src/tui/ink.js';
import { borderTone, emphasis, tone } from '../../src/tui/theme.js';
import type { SyncOverview } from '../../src/sync/overview.js';
import { boardSetup, columnText, renderBoard } from './helpers.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

function overview(patch: Partial<SyncOverview> = {}): SyncOverview {
  const table = { initialSyncDone: true, lastPullAt: NOW - 5_000, lastPushAt: NOW - 6_000, lastError: null };
  return {
    backend: { kind: 'convex', url: 'https://happy-animal-123.convex.cloud' },
    pending: 2,
    failed: 1,
    conflicts: 1,
    tables: { tasks: table, projects: table },
    daemon: { running: false, pid: null, lastHeartbeatAt: null, lastSyncAt: null },
    ...patch,
  };
}

function header(props: Partial<SyncHeaderProps> & { overview: SyncOverview }): string {
  const view = props.view ?? connectivity(props.overview, false, null);
  const { lastFrame } = render(
    <InkContext.Provider value={ink}>
      <SyncHeader view={view} now={NOW} project={null} filter="" color={false} {...props} />
    </InkContext.Provider>,
  );
  return lastFrame() ?? '';
}

describe('the sync header', () => {
  it('shows backend, online, last sync, daemon and the queue', () => {
    const text = header({ overview: overview({ daemon: { running: true, pid: 4242, lastHeartbeatAt: NOW, lastSyncAt: NOW } }) });
    expect(text).toContain('convoy · convex happy-animal-123.convex.cloud · ● online · last sync 5 s ago');
    expect(text).toContain('↑ 2 pending  ✗ 1 failed  ! 1 conflict  · daemon running (pid 4242)');
  });

  it('says when no backend is configured, and how to configure one', () => {
    const text = header({ overview: overview({ backend: null }) });
    expect(text).toContain('no backend configured (convoy init --convex <url>)');
    expect(text).toContain('daemon off');
  });

  it('says never synced before the first sync', () => {
    const never = { initialSyncDone: false, lastPullAt: null, lastPushAt: null, lastError: null };
    expect(header({ overview: overview({ tables: { tasks: never, projects: never } }) })).toContain('○ never synced · last sync never');
  });

  it('shows syncing, offline and error with the reason', () => {
    expect(header({ overview: overview(), view: connectivity(overview(), true, null) })).toContain('⟳ syncing');
    const failing = { initialSyncDone: true, lastPullAt: NOW - 60_000, lastPushAt: null, lastError: 'cannot reach Convex: ECONNREFUSED' };
    const down = overview({ tables: { tasks: failing, projects: failing } });
    const ours = { at: NOW, ok: false, offline: true, busy: false, message: 'cannot reach Convex: ECONNREFUSED' };
    expect(header({ overview: down, view: connectivity(down, false, ours) })).toContain('○ offline · last sync 1 min ago');
    expect(connectivity(down, false, ours).reason).toBe('cannot reach Convex: ECONNREFUSED');
    // Recorded by another process (the daemon): the board cannot tell offline from other errors.
    expect(header({ overview: down })).toContain('✗ error');
  });

  it('shows the project and the active filter', () => {
    expect(header({ overview: overview(), project: 'Website', filter: 'login' })).toMatch(/project Website[\s\S]*filter "login"/);
  });
});

describe('connectivity', () => {
  it('reports a failure that never reached the engine (bad credentials) until a later sync works', () => {
    const o = overview();
    const refused = { at: NOW, ok: false, offline: false, busy: false, message: 'token refused' };
    expect(connectivity(o, false, refused)).toEqual({ state: 'error', reason: 'token refused' });
    expect(connectivity(o, false, { ...refused, at: NOW - 3_600_000 }).state).toBe('online');
    expect(connectivity(o, false, { ...refused, busy: true }).state).toBe('online');
  });
});

describe('colours', () => {
  it('emit nothing when colour is off (NO_COLOR, not a TTY)', () => {
    expect(tone(false, 'red')).toEqual({});
    expect(emphasis(false, true)).toEqual({});
    expect(borderTone(false, true)).toBeUndefined();
    expect(tone(true, 'red')).toEqual({ color: 'red' });
    expect(tone(true, 'dim')).toEqual({ dimColor: true });
  });
});

describe('the board', () => {
  it('shows each sync state of a card with its glyph', async () => {
    const { ctx, model } = await boardSetup();
    const replica = ctx.replica();
    for (const title of ['synced one', 'pending one', 'failed one', 'conflict one']) addTask(replica, { title }, NOW);
    replica.sqlite.prepare("UPDATE tasks SET sync_status = 'synced' WHERE title = 'synced one'").run();
    replica.sqlite.prepare("UPDATE tasks SET sync_status = 'failed' WHERE title = 'failed one'").run();
    replica.sqlite.prepare("UPDATE tasks SET sync_status = 'conflict' WHERE title = 'conflict one'").run();
    const frame = renderBoard(model).frame();
    expect(frame).toContain('✓ synced one');
    expect(frame).toContain('↑ pending one');
    expect(frame).toContain('✗ failed one');
    expect(frame).toContain('! conflict one');
  });

  it('fits 80×24: three columns, titles cut with an ellipsis, one line to spare', async () => {
    const { ctx, model } = await boardSetup();
    addTask(ctx.replica(), { title: 'A very long title that cannot possibly fit into a column of an 80 column terminal' }, NOW);
    addTask(ctx.replica(), { title: 'Started', status: 'in_progress' }, NOW);
    const frame = renderBoard(model, { columns: 80, rows: 24 }).frame();
    const lines = frame.split('\n');
    expect(lines.length).toBe(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/▸ To do \(1\)[\s\S]*In progress \(1\)[\s\S]*Done \(0\)/);
    expect(frame).toMatch(/› ↑ A very long title t…/);
    expect(frame).not.toContain('Canceled');
  });

  it('uses the width of a larger terminal', async () => {
    const { ctx, model } = await boardSetup();
    addTask(ctx.replica(), { title: 'A very long title that cannot possibly fit into a column of an 80 column terminal' }, NOW);
    expect(renderBoard(model, { columns: 300, rows: 40 }).frame()).toContain('A very long title that cannot possibly fit into a column of an 80 column terminal');
  });

  it('scrolls a long column and says how many cards are hidden', async () => {
    const { ctx, model } = await boardSetup();
    for (let i = 1; i <= 40; i++) addTask(ctx.replica(), { title: `task ${String(i).padStart(2, '0')}` }, NOW + i);
    const board = renderBoard(model, { rows: 24 });
    expect(board.frame()).toMatch(/task 40[\s\S]*↓ \d+ more/);
    await board.press('G');
    const bottom = await board.waitFor('› ↑ task 01');
    expect(bottom).toMatch(/↑ \d+ more[\s\S]*task 01/);
    expect(bottom).not.toContain('task 40');
  });

  it('shows the key map and the legend on ?', async () => {
    const { model } = await boardSetup();
    const board = renderBoard(model);
    await board.press('?');
    const help = await board.waitFor('Keys');
    expect(help).toMatch(/✓ synced[\s\S]*↑ pending[\s\S]*✗ failed[\s\S]*! conflict/);
    expect(help).toContain('sync now');
    await board.press('x');
    await board.waitFor('To do (0)');
  });

  it('limits the board to a project', async () => {
    const { ctx } = await boardSetup();
    const { addProject } = await import('../../src/db/projects.js');
    addProject(ctx.replica(), { name: 'Website' }, NOW);
    addTask(ctx.replica(), { title: 'in the project', project: 'Website' }, NOW);
    addTask(ctx.replica(), { title: 'elsewhere' }, NOW);
    const { createBoardModel } = await import('../../src/tui/model.js');
    const board = renderBoard(await createBoardModel(ctx, { project: 'Website' }));
    const frame = board.frame();
    expect(columnText(frame, 'To do', 100, 3)).toContain('in the project');
    expect(frame).not.toContain('elsewhere');
    expect(frame).toContain('project Website');
    await board.press('n', 'Landing page', '\r');
    await board.waitFor('› ↑ Landing page');
    const created = listTasks(ctx.replica()).find((t) => t.title === 'Landing page');
    expect(created?.projectId).toBe(listTasks(ctx.replica()).find((t) => t.title === 'in the project')?.projectId);
  });
});

describe('scrollWindow', () => {
  it('keeps the selection visible and counts hidden cards', () => {
    expect(scrollWindow(5, 0, 10)).toEqual({ start: 0, end: 5, above: 0, below: 0 });
    expect(scrollWindow(40, 0, 10)).toEqual({ start: 0, end: 9, above: 0, below: 31 });
    expect(scrollWindow(40, 39, 10)).toEqual({ start: 31, end: 40, above: 31, below: 0 });
    const middle = scrollWindow(40, 20, 10);
    expect(middle.end - middle.start + 2).toBe(10);
    expect(20).toBeGreaterThanOrEqual(middle.start);
    expect(20).toBeLessThan(middle.end);
  });
});

// The daemon's liveness comes from its lock file beside the replica (held by `convoy sync --watch`).
describe('daemon state on the board', () => {
  it('shows the daemon running when its pid is alive', async () => {
    const { ctx, model } = await boardSetup();
    const lock = await acquireDaemonLock(ctx.replica().path);
    expect(renderBoard(model).frame()).toContain(`daemon running (pid ${process.pid})`);
    lock.release();
  });
});
