/**
 * Board test helpers: a real model on a temp replica, rendered with
 * ink-testing-library; a fake Backend (the network edge) for syncs.
 */
import * as ink from 'ink';
import { render } from 'ink-testing-library';
import { afterEach } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { personalWorkspaceOnly, pullAllByPages, type Backend } from '../../src/sync/backend.js';
import type { OpResult, PushBatch } from '../../src/schema/protocol.js';
import { BoardApp } from '../../src/tui/components/board-app.js';
import { InkContext } from '../../src/tui/ink.js';
import { createBoardModel, type BoardModel } from '../../src/tui/model.js';
import { testContext, type TestContext, type TestContextOptions } from '../helpers/replica.js';

afterEach(() => cleanup());

export const KEYS = { enter: '\r', escape: '\u001b', up: '\u001b[A', down: '\u001b[B', right: '\u001b[C', left: '\u001b[D', backspace: '\u007f', ctrlU: '\u0015' };

/** A fake backend: applies every op unless `push`/`pull` are replaced. */
export function fakeBackend(overrides: Partial<Backend> = {}): Backend {
  let version = 0;
  return {
    kind: 'convex',
    url: 'http://fake.test:3210',
    ...personalWorkspaceOnly(),
    async push(batch: PushBatch) {
      const results: OpResult[] = batch.ops.map((op) => ({ seq: op.seq, status: 'applied', version: ++version, fields: op.fields }));
      return { results };
    },
    async pull(request) {
      return { changes: [], cursor: request.cursor, hasMore: false, headVersion: Math.max(version, request.cursor) };
    },
    async pullAll(request) {
      return pullAllByPages((r) => this.pull(r), request);
    },
    async checksum() {
      throw new Error('the board never verifies');
    },
    async ping() {},
    async close() {},
    ...overrides,
  };
}

export interface BoardSetup {
  ctx: TestContext;
  model: BoardModel;
}

/** A context (temp CONVOY_HOME) and a board model on it. `backend` also configures a Convex URL. */
export async function boardSetup(options: { backend?: Backend; project?: string; context?: TestContextOptions } = {}): Promise<BoardSetup> {
  const env = options.backend ? { CONVOY_CONVEX_URL: options.backend.url, ...options.context?.env } : options.context?.env;
  const ctx = testContext({ ...options.context, env, backendFactory: options.backend ? async () => options.backend! : undefined });
  const model = await createBoardModel(ctx, { project: options.project });
  return { ctx, model };
}

export interface RenderedBoard {
  frame(): string;
  /** Write keys (strings as typed), letting Ink process each. */
  press(...keys: string[]): Promise<void>;
  /** Wait until the frame satisfies `check` (a substring or predicate); throws with the last frame. */
  waitFor(check: string | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

export function renderBoard(model: BoardModel, options: { columns?: number; rows?: number; color?: boolean } = {}): RenderedBoard {
  const size = { columns: options.columns ?? 100, rows: options.rows ?? 24 };
  const app = render(
    <InkContext.Provider value={ink}>
      <BoardApp model={model} color={options.color ?? false} size={size} live={{ pollMs: 40, tickMs: 200 }} />
    </InkContext.Provider>,
  );
  const frame = () => app.lastFrame() ?? '';
  return {
    frame,
    async press(...keys) {
      for (const key of keys) {
        app.stdin.write(key);
        await tick();
      }
    },
    async waitFor(check, timeoutMs = 3_000) {
      const test = typeof check === 'string' ? (f: string) => f.includes(check) : check;
      const deadline = Date.now() + timeoutMs;
      while (!test(frame())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(check)}; last frame:\n${frame()}`);
        await tick();
      }
      return frame();
    },
  };
}

/** The text of the column whose title starts with `title` (cards only), from a rendered frame. */
export function columnText(frame: string, title: string, columns: number, count: number): string {
  const lines = frame.split('\n');
  const header = lines.find((l) => l.includes(`${title} (`));
  if (!header) return '';
  const width = Math.floor(columns / count);
  const index = Math.floor(header.indexOf(`${title} (`) / width);
  return lines.map((l) => l.slice(index * width, (index + 1) * width)).join('\n');
}
