/**
 * Every filter `list` offers, the board's reads and `status` are answered
 * from an index, never by scanning the tasks table or the outbox: the same
 * cost in a million tasks as in ten. Checked with SQLite's own EXPLAIN QUERY
 * PLAN of the statements the repository really runs (recorded as they run).
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReplica, type Replica } from '../../src/db/open.js';
import { addProject } from '../../src/db/projects.js';
import { queueCounts } from '../../src/db/sync-state.js';
import { countByStatus, countTasks, SHORT_SEARCH_WINDOW, taskPage, taskSlice } from '../../src/db/task-query.js';
import { addTask, createTask, listTasks } from '../../src/db/tasks.js';

interface Ran {
  sql: string;
  params: unknown[];
}

/** Run `fn`, recording each statement it runs with its parameters. */
function recording(replica: Replica, fn: () => unknown): Ran[] {
  const ran: Ran[] = [];
  const sqlite = replica.sqlite as Database.Database & { prepare: Database.Database['prepare'] };
  const prepare = sqlite.prepare;
  sqlite.prepare = ((source: string) => {
    const statement = prepare.call(sqlite, source) as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ['all', 'get', 'run', 'iterate']) {
      const original = statement[method]!.bind(statement);
      statement[method] = (...params: unknown[]) => (ran.push({ sql: source, params }), original(...params));
    }
    return statement;
  }) as unknown as Database.Database['prepare'];
  try {
    fn();
  } finally {
    sqlite.prepare = prepare;
  }
  return ran;
}

/** The plan lines of every recorded statement that reads tasks or the outbox. */
function plans(replica: Replica, fn: () => unknown): { sql: string; plan: string[] }[] {
  return recording(replica, fn)
    .filter((r) => /"?(tasks|outbox|outbox_counts|task_status_counts)"?\b/.test(r.sql))
    .map((r) => ({
      sql: r.sql,
      plan: (replica.sqlite.prepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...r.params) as { detail: string }[]).map((row) => row.detail),
    }));
}

/** A whole-table scan: SCAN without an index (an ordered index walk that stops at the limit is not one). */
const TABLE_SCAN = /^SCAN (tasks|outbox)\b(?! USING)/;

/** A replica for the whole file (tempReplica's would close after the first test). */
function seeded(): { replica: Replica; projectId: string } {
  const dir = mkdtempSync(join(tmpdir(), 'convoy-plans-'));
  const replica = openReplica(join(dir, 'replica.db'));
  afterAll(() => {
    replica.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const project = addProject(replica, { name: 'Website' }, 1);
  for (let i = 0; i < 200; i++) {
    const status = (['todo', 'in_progress', 'done', 'canceled'] as const)[i % 4];
    addTask(replica, { title: `Task ${i} fix the login`, status, project: i % 3 === 0 ? project.id : undefined }, 1000 + i);
  }
  return { replica, projectId: project.id };
}

describe('query plans at any size', () => {
  const { replica, projectId } = seeded();

  const filters: [string, () => unknown, RegExp][] = [
    ['--status todo', () => listTasks(replica, { statuses: ['todo'], limit: 50 }), /SEARCH tasks USING INDEX tasks_status_idx \(workspace_id=\? AND status=\?\)/],
    ['--status todo,done', () => listTasks(replica, { statuses: ['todo', 'done'], limit: 50 }), /SEARCH tasks USING INDEX tasks_status_idx/],
    ['--project', () => listTasks(replica, { project: 'Website', limit: 50 }), /SEARCH tasks USING INDEX tasks_project_idx \(workspace_id=\? AND project_id=\? AND status=\?\)/],
    ['--project --status', () => listTasks(replica, { project: projectId, statuses: ['done'], limit: 50 }), /SEARCH tasks USING INDEX tasks_project_idx/],
    ['--pending', () => listTasks(replica, { pending: true, limit: 50 }), /SEARCH tasks USING INDEX tasks_sync_status_idx \(workspace_id=\? AND sync_status=\?\)/],
    ['list (open tasks: todo, in_progress)', () => listTasks(replica, { statuses: ['todo', 'in_progress'], limit: 50 }), /SEARCH tasks USING INDEX tasks_status_idx \(workspace_id=\? AND status=\?\)/],
    ['--sort title --status todo', () => listTasks(replica, { statuses: ['todo'], sort: { key: 'title' }, limit: 50 }), /SEARCH tasks USING INDEX tasks_status_idx \(workspace_id=\? AND status=\?\)/],
    ['--sort updated --project', () => listTasks(replica, { project: projectId, sort: { key: 'updated' }, limit: 50 }), /SEARCH tasks USING INDEX tasks_project_idx \(workspace_id=\? AND project_id=\?\)/],
    ['list footer: how many are hidden', () => countTasks(replica, { statuses: ['done', 'canceled'] }), /SEARCH tasks USING COVERING INDEX tasks_status_idx \(workspace_id=\? AND status=\?\)/],
    ['--search', () => listTasks(replica, { search: 'LOGIN', limit: 50 }), /SCAN tasks_fts VIRTUAL TABLE INDEX/],
    ['--search --status', () => listTasks(replica, { search: 'task 1', statuses: ['todo'], limit: 50 }), /SEARCH tasks USING INTEGER PRIMARY KEY/],
    ['--tag (all of several)', () => listTasks(replica, { members: { tag: ['home', 'work'] }, limit: 50 }), /SEARCH task_tags USING (COVERING )?INDEX task_tags_member_idx \(member=\? AND state=\?\)/],
    ['--priority H', () => listTasks(replica, { equals: { priority: ['H'] }, limit: 50 }), /SEARCH tasks USING INDEX tasks_priority_idx \(workspace_id=\? AND priority=\?\)/],
    ['--due-before --all', () => listTasks(replica, { before: { input: 'due', time: 5000 }, limit: 50 }), /SEARCH tasks USING INDEX tasks_due_idx \(workspace_id=\? AND due<\?\)/],
    ['--overdue (open tasks)', () => listTasks(replica, { statuses: ['todo', 'in_progress'], before: { input: 'due', time: 5000 }, limit: 50 }), /SEARCH tasks USING INDEX tasks_(status|due)_idx/],
    ['--blocked', () => listTasks(replica, { statuses: ['todo'], blocked: true, limit: 50 }), /SEARCH m USING INDEX task_blockers_owner_idx \(owner_id=\?\)/],
    ['--sort due', () => listTasks(replica, { statuses: ['todo'], sort: { key: 'due' }, limit: 50 }), /SEARCH tasks USING INDEX tasks_status_idx \(workspace_id=\? AND status=\?\)/],
    ['board: counts per status', () => countByStatus(replica, {}), /SEARCH task_status_counts USING INDEX sqlite_autoindex_task_status_counts_1 \(workspace_id=\?\)/],
    ['board: counts under a filter', () => countByStatus(replica, { search: 'login' }), /SCAN tasks_fts VIRTUAL TABLE INDEX/],
    ['board: counts in a project', () => countByStatus(replica, { project: projectId }), /SEARCH tasks USING COVERING INDEX tasks_project_idx/],
    ['board: next page', () => taskPage(replica, { statuses: ['todo'] }, { limit: 20, after: { createdAt: 1100, id: 'f' } }), /SEARCH tasks USING INDEX tasks_status_idx \(workspace_id=\? AND status=\? AND \(created_at,id\)<\(\?,\?\)\)/],
    ['board: position of a card', () => countTasks(replica, { statuses: ['todo'] }, { createdAt: 1100, id: 'f' }), /SEARCH tasks USING COVERING INDEX tasks_status_idx \(workspace_id=\? AND status=\? AND \(created_at,id\)>\(\?,\?\)\)/],
    ['board: G (the column end)', () => taskSlice(replica, { statuses: ['todo'] }, 45, 10, 50), /SEARCH tasks USING INDEX tasks_status_idx/],
  ];

  it.each(filters)('%s reads an index range, not the table', (_name, run, expected) => {
    const found = plans(replica, run);
    expect(found.length).toBeGreaterThan(0);
    for (const { sql, plan } of found) {
      expect(plan.filter((line) => TABLE_SCAN.test(line)), sql).toEqual([]);
      expect(plan.join('\n'), sql).toMatch(expected);
    }
  });

  it('a page of a filter walks its index in list order (no sort), except a search that sorts its matches only', () => {
    for (const run of [() => listTasks(replica, { statuses: ['todo'], limit: 50 }), () => listTasks(replica, { project: 'Website', limit: 50 }), () => listTasks(replica, { pending: true, limit: 5 })]) {
      for (const { sql, plan } of plans(replica, run)) expect(plan.join('\n'), sql).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('the counts kept by triggers agree with the tables', () => {
    const counted = (sql: string) => replica.sqlite.prepare(sql).all();
    expect(countByStatus(replica, {})).toEqual({ todo: 50, in_progress: 50, done: 50, canceled: 50 });
    replica.sqlite.prepare("UPDATE tasks SET status = 'done' WHERE rowid IN (SELECT rowid FROM tasks WHERE status = 'todo' LIMIT 3)").run();
    expect(countByStatus(replica, {})).toEqual({ todo: 47, in_progress: 50, done: 53, canceled: 50 });
    const bySearch = Object.fromEntries(['todo', 'in_progress', 'done', 'canceled'].map((s) => [s, listTasks(replica, { search: 'task 1', statuses: [s as 'todo'] }).length]));
    expect(countByStatus(replica, { search: 'TASK 1' })).toEqual(bySearch);
    expect(counted('SELECT status, count(*) AS n FROM tasks GROUP BY status ORDER BY status')).toEqual(
      counted('SELECT status, n FROM task_status_counts WHERE n > 0 ORDER BY status'),
    );
  });

  it('status counts the queue without reading the outbox', () => {
    const found = plans(replica, () => queueCounts(replica));
    expect(found.map((f) => f.sql).join('\n')).not.toMatch(/from "outbox"/);
    expect(queueCounts(replica)).toEqual({ pending: 201, failed: 0, conflicts: 0 });
  });
});

describe('a search of 1 or 2 characters (the trigram index cannot look it up)', () => {
  it('reads the newest SHORT_SEARCH_WINDOW tasks of its range, whatever the replica size', () => {
    const { replica } = seeded();
    // Older than the window: a match the short search no longer reaches (a 3-character one does).
    replica.write((tx) => {
      createTask(tx, { title: 'old zq match', status: 'done' }, 10);
      for (let i = 0; i < SHORT_SEARCH_WINDOW; i++) createTask(tx, { title: `filler ${i}`, status: i % 2 ? 'todo' : 'done' }, 2000 + i);
    });
    addTask(replica, { title: 'new zq match', status: 'done' }, 1_000_000);
    const titles = (search: string) => listTasks(replica, { search, limit: 50 }).map((t) => t.title);
    expect(titles('zq')).toEqual(['new zq match']);
    expect(titles('ZQ ')).toEqual(['new zq match', 'old zq match']);
    expect(countByStatus(replica, { search: 'zq' })).toEqual({ todo: 0, in_progress: 0, done: 1, canceled: 0 });
    for (const run of [() => listTasks(replica, { search: 'zq', limit: 50 }), () => countByStatus(replica, { search: 'q' }), () => listTasks(replica, { search: 'zq', statuses: ['done'] })]) {
      const found = plans(replica, run).filter((f) => /LIKE/.test(f.sql));
      expect(found.length).toBeGreaterThan(0);
      for (const { sql, plan } of found) expect(plan.join('\n'), sql).toMatch(/SEARCH tasks USING (COVERING )?INDEX tasks_\w+_idx \(workspace_id=\? AND (status=\? AND )?\(created_at,id\)>\(\?,\?\)\)/);
    }
  });
});
