import { describe, expect, it } from 'vitest';
import { openReplica } from '../../src/db/open.js';
import { addTask, listTasks, queuedOps } from '../../src/db/tasks.js';
import { BackendError } from '../../src/errors.js';
import type { OpResult, PushBatch } from '../../src/schema/protocol.js';
import { acquireSyncLock } from '../../src/sync/lock.js';
import { rows } from '../helpers/replica.js';
import { boardSetup, columnText, fakeBackend, KEYS, renderBoard } from './helpers.js';

const NOW = Date.now();

describe('creating, editing and moving tasks', () => {
  it('n, a title and Enter adds a task (row and outbox op) in the focused column', async () => {
    const { ctx, model } = await boardSetup();
    const board = renderBoard(model);
    await board.press('n', 'Buy milk');
    await board.waitFor('New task in To do: Buy milk');
    await board.press(KEYS.enter);
    const frame = await board.waitFor('Added "Buy milk"');
    expect(columnText(frame, 'To do', 100, 3)).toContain('› ↑ Buy milk');
    const [task] = listTasks(ctx.replica());
    expect(task).toMatchObject({ title: 'Buy milk', status: 'todo', syncStatus: 'pending' });
    expect(queuedOps(ctx.replica(), 'tasks', task!.id)).toMatchObject([{ op: 'create', state: 'pending' }]);
  });

  it('Esc cancels and an empty title saves nothing', async () => {
    const { ctx, model } = await boardSetup();
    const board = renderBoard(model);
    await board.press('n', 'Nope', KEYS.escape);
    await board.waitFor((f) => !f.includes('New task'));
    await board.press('n', '   ', KEYS.enter);
    await board.waitFor('empty title: nothing saved');
    expect(listTasks(ctx.replica())).toEqual([]);
  });

  it('a title the rules refuse keeps the input open with the reason', async () => {
    const { ctx, model } = await boardSetup();
    const board = renderBoard(model);
    await board.press('n', 'x'.repeat(501), KEYS.enter);
    await board.waitFor('shorten it to at most 500');
    // Still typing: the (long) input line shows its end and the cursor.
    expect(board.frame()).toMatch(/^…x+_$/m);
    expect(listTasks(ctx.replica())).toEqual([]);
  });

  it('e edits the selected title, queuing only the title', async () => {
    const { ctx, model } = await boardSetup();
    const task = addTask(ctx.replica(), { title: 'Buy milk' }, NOW);
    const board = renderBoard(model);
    await board.press('e');
    await board.waitFor('Title: Buy milk');
    await board.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, 'bread', KEYS.enter);
    await board.waitFor('› ↑ Buy bread');
    const ops = queuedOps(ctx.replica(), 'tasks', task.id);
    expect(ops.at(-1)).toMatchObject({ op: 'update', fields: { title: 'Buy bread' } });
    await board.press('e', KEYS.ctrlU, 'Buy bread', KEYS.enter);
    await board.waitFor('title unchanged');
    // Keys that arrive in one read (typed ahead, tmux send-keys) still act one by one.
    await board.press(`e${KEYS.ctrlU}Bread only${KEYS.enter}`);
    await board.waitFor('› ↑ Bread only');
    await board.press('\u001b[I'); // an escape sequence Ink does not know: ignored, not "[" + "I"
    expect(listTasks(ctx.replica())[0]).toMatchObject({ status: 'todo', title: 'Bread only' });
  });

  it('] [ > < move the task between columns and the selection follows it', async () => {
    const { ctx, model } = await boardSetup();
    const task = addTask(ctx.replica(), { title: 'Ship it' }, NOW);
    const board = renderBoard(model);
    await board.press(']');
    let frame = await board.waitFor('Moved "Ship it" to In progress');
    expect(columnText(frame, 'In progress', 100, 3)).toContain('› ↑ Ship it');
    await board.press('>');
    frame = await board.waitFor('Moved "Ship it" to Done');
    expect(columnText(frame, 'Done', 100, 3)).toContain('› ↑ Ship it');
    expect(listTasks(ctx.replica())[0]).toMatchObject({ status: 'done', completedAt: expect.any(Number) });
    await board.press(']');
    await board.waitFor('already in the last column');
    await board.press('[', '<');
    await board.waitFor('Moved "Ship it" to To do');
    expect(listTasks(ctx.replica())[0]).toMatchObject({ id: task.id, status: 'todo', completedAt: null });
  });

  it('x shows the Canceled column, and tasks move into it', async () => {
    const { ctx, model } = await boardSetup();
    addTask(ctx.replica(), { title: 'Maybe', status: 'done' }, NOW);
    const board = renderBoard(model);
    await board.press('x', 'l', 'l', ']');
    await board.waitFor('Moved "Maybe" to Canceled');
    expect(listTasks(ctx.replica())[0]!.status).toBe('canceled');
    await board.press('x');
    await board.waitFor((f) => !f.includes('Canceled (') && !f.includes('↑ Maybe'));
  });
});

describe('navigating, filtering, details', () => {
  it('/ filters by text as you type; Esc clears it', async () => {
    const { ctx, model } = await boardSetup();
    addTask(ctx.replica(), { title: 'Write docs' }, NOW);
    addTask(ctx.replica(), { title: 'Fix login', description: 'the docs say otherwise' }, NOW + 1);
    addTask(ctx.replica(), { title: 'Unrelated' }, NOW + 2);
    const board = renderBoard(model);
    await board.press('/', 'doc');
    let frame = await board.waitFor((f) => !f.includes('Unrelated'));
    expect(frame).toContain('Write docs');
    expect(frame).toContain('Fix login');
    await board.press(KEYS.enter);
    frame = await board.waitFor('filter "doc"');
    await board.press(KEYS.escape);
    await board.waitFor('Unrelated');
    expect(board.frame()).not.toContain('filter "doc"');
  });

  it('arrows and j/k move the selection; Enter opens the details', async () => {
    const { ctx, model } = await boardSetup();
    const { addProject } = await import('../../src/db/projects.js');
    addProject(ctx.replica(), { name: 'Website' }, NOW);
    addTask(ctx.replica(), { title: 'First', description: 'line one\nline two', stage: 'review', project: 'Website' }, NOW);
    addTask(ctx.replica(), { title: 'Second' }, NOW + 1);
    const board = renderBoard(model);
    await board.waitFor('› ↑ Second');
    await board.press(KEYS.down);
    await board.waitFor('› ↑ First');
    await board.press('k', 'j', KEYS.enter);
    const detail = await board.waitFor('Description');
    expect(detail).toMatch(/First[\s\S]*stage\s+review[\s\S]*project\s+Website[\s\S]*line one[\s\S]*line two[\s\S]*Queued ops \(1\)[\s\S]*#\d+ create · pending/);
    await board.press(KEYS.escape);
    await board.waitFor('To do (2)');
  });
});

/** A backend whose push reports a manual-policy conflict on the title. */
function conflictingBackend(remoteTitle: string) {
  let version = 10;
  return fakeBackend({
    async push(batch: PushBatch) {
      const results: OpResult[] = batch.ops.map((op) => ({
        seq: op.seq,
        status: 'conflict',
        version: ++version,
        fields: { ...op.fields, title: remoteTitle },
        conflicts: [{ field: 'title', local: op.fields.title ?? null, remote: remoteTitle, policy: 'manual', winner: 'pending' }],
      }));
      return { results };
    },
  });
}

describe('syncing from the board', () => {
  it('s shows progress, then the result; cards become synced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = fakeBackend();
    const { ctx, model } = await boardSetup({ backend: fakeBackend({ push: async (batch) => (await gate, base.push(batch)) }) });
    addTask(ctx.replica(), { title: 'Ship it' }, NOW);
    const board = renderBoard(model);
    await board.waitFor('never synced');
    await board.press('s');
    await board.waitFor((f) => f.includes('⟳ syncing') && f.includes('⟳ syncing…'));
    release();
    const frame = await board.waitFor('Synced: pushed 1');
    expect(frame).toContain('✓ Ship it');
    expect(frame).toContain('● online');
    expect(frame).toContain('↑ 0 pending');
  });

  it('an offline backend is reported in the status line and the header; the board keeps working', async () => {
    const offline = fakeBackend({
      push: async () => {
        throw new BackendError('cannot reach Convex: ECONNREFUSED', { retryable: true, offline: true });
      },
    });
    const { ctx, model } = await boardSetup({ backend: offline });
    addTask(ctx.replica(), { title: 'Ship it' }, NOW);
    const board = renderBoard(model);
    await board.press('s');
    const frame = await board.waitFor('offline: cannot reach Convex: ECONNREFUSED (nothing lost');
    expect(frame).toContain('○ offline');
    expect(frame).toContain('↑ Ship it');
    await board.press('n', 'Still works', KEYS.enter);
    await board.waitFor('› ↑ Still works');
    // With the notice gone, the status line still says why the last sync failed.
    await board.press('n', KEYS.escape);
    await board.waitFor('last sync failed: cannot reach Convex: ECONNREFUSED');
  });

  it('refused credentials, unexpected errors and no backend never crash the board', async () => {
    const refused = fakeBackend({
      push: async () => {
        throw new BackendError('Convex answered HTTP 401', { retryable: false, auth: true });
      },
    });
    const first = await boardSetup({ backend: refused });
    addTask(first.ctx.replica(), { title: 'a' }, NOW);
    const board = renderBoard(first.model);
    await board.press('s');
    await board.waitFor((f) => f.includes('refused the credentials') && f.includes('✗ error'));

    const broken = await boardSetup({ backend: fakeBackend({ pull: async () => Promise.reject(new TypeError('boom')) }) });
    const second = renderBoard(broken.model);
    await second.press('s');
    await second.waitFor('sync failed: boom');

    const none = await boardSetup();
    const third = renderBoard(none.model);
    await third.press('s');
    await third.waitFor('no backend configured; run convoy init');
  });

  it('another process holding the sync lock is reported, not an error', async () => {
    const { ctx, model } = await boardSetup({ backend: fakeBackend() });
    const held = await acquireSyncLock(ctx.replica().path, 'daemon');
    const board = renderBoard(model);
    await board.press('s');
    const frame = await board.waitFor('another sync is running');
    expect(frame).not.toContain('✗ error');
    held.release();
  });

  it('c lists held conflicts; R takes the remote value, l keeps the local one', async () => {
    const { ctx, model } = await boardSetup({ backend: conflictingBackend('theirs') });
    const mine = addTask(ctx.replica(), { title: 'mine' }, NOW);
    const board = renderBoard(model);
    await board.press('s');
    await board.waitFor((f) => f.includes('! mine') && f.includes('! 1 conflict'));
    await board.press('c');
    await board.waitFor('› mine · title: local "mine" · remote "theirs"');
    await board.press('R');
    await board.waitFor('Took the remote title of "mine"');
    expect(listTasks(ctx.replica())[0]).toMatchObject({ id: mine.id, title: 'theirs', syncStatus: 'synced' });

    const keep = addTask(ctx.replica(), { title: 'keep me' }, NOW + 1);
    await board.press('s');
    await board.waitFor('› keep me · title');
    await board.press('l');
    await board.waitFor('Kept the local title of "keep me"');
    expect(queuedOps(ctx.replica(), 'tasks', keep.id)).toMatchObject([{ op: 'update', fields: { title: 'keep me' } }]);
    await board.press(KEYS.escape);
    await board.waitFor('↑ keep me');
  });

  it('r re-queues failed ops', async () => {
    const { ctx, model } = await boardSetup();
    const task = addTask(ctx.replica(), { title: 'refused' }, NOW);
    ctx.replica().sqlite.prepare("UPDATE outbox SET state = 'failed', attempts = 3, last_error = 'bad' WHERE record_id = ?").run(task.id);
    ctx.replica().sqlite.prepare("UPDATE tasks SET sync_status = 'failed' WHERE id = ?").run(task.id);
    const board = renderBoard(model);
    await board.waitFor('✗ refused');
    await board.press('r');
    await board.waitFor('Re-queued 1 failed op(s)');
    expect(board.frame()).toContain('↑ refused');
    expect(rows<{ state: string }>(ctx.replica(), 'outbox').map((o) => o.state)).toEqual(['pending']);
  });
});

describe('live updates', () => {
  it('shows a task written by another connection without a keypress', async () => {
    const { ctx, model } = await boardSetup();
    addTask(ctx.replica(), { title: 'older' }, NOW);
    addTask(ctx.replica(), { title: 'selected' }, NOW + 1);
    const board = renderBoard(model);
    await board.waitFor('› ↑ selected');
    const other = openReplica(ctx.replica().path);
    try {
      addTask(other, { title: 'from elsewhere' }, NOW + 2);
    } finally {
      other.close();
    }
    const frame = await board.waitFor('↑ from elsewhere', 1_000);
    // The newest task lands on top; the selection stays on its card.
    expect(frame).toMatch(/ {2}↑ from elsewhere[\s\S]*› ↑ selected/);
  });
});
