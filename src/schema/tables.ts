/**
 * The synced tables of convoy, each declared once. Everything else (drizzle
 * tables, field rules, JSON output, import fields, the Convex schema and
 * validators, the Supabase SQL) derives from these declarations; after a
 * change run `npm run gen` (docs/adding-a-field-or-a-table.md).
 */
import { defineSet, defineTable, f } from './declare.js';

export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

// Projects are shared structure: the server's (team's) version wins.
export const projects = defineTable({
  name: 'projects',
  noun: 'project',
  policy: 'remote-wins',
  fields: {
    name: f.text({ max: 200, required: true, visible: true }),
    description: f.text({ max: 10_000, multiline: true, label: null }),
  },
  // Not unique: two replicas may name projects alike; lookups by name report ambiguity.
  indexes: [['name']],
});

// Captured task data is authoritative: the local edit wins.
export const tasks = defineTable({
  name: 'tasks',
  noun: 'task',
  policy: 'local-wins',
  fields: {
    title: f.text({ max: 500, required: true, visible: true }),
    // Shown under the field list, not as a labelled field.
    description: f.text({ max: 10_000, multiline: true, label: null }),
    status: f.enum(TASK_STATUSES, { default: 'todo' }),
    stage: f.text({ max: 100 }),
    projectId: f.ref('projects', { input: 'project', label: 'project' }),
    parentId: f.ref('tasks', { input: 'parent', label: 'parent' }),
    // Follows status: set when a task becomes done (the program sets it).
    completedAt: f.time({ nullable: true, input: null, label: 'completed' }),
    due: f.time({ nullable: true, input: 'due', label: 'due' }),
    priority: f.enum(['H', 'M', 'L'], { nullable: true }),
  },
  // Few indexes on purpose: each costs every insert. list (and each board
  // column) reads newest first (created_at, then id), so every filter's index
  // ends in that order: a filtered page is a range of one index, never a sort.
  // A filter on several values (statuses, or project without a status) merges
  // one range per value (src/db/task-query.ts). list and the board read one
  // workspace, so each index leads with it.
  indexes: [
    ['workspaceId', 'createdAt', 'id'],
    ['workspaceId', 'status', 'createdAt', 'id'],
    ['workspaceId', 'projectId', 'status', 'createdAt', 'id'],
    // --due-before, --overdue and --sort due read a range of due dates; --priority one priority.
    ['workspaceId', 'due'],
    ['workspaceId', 'priority', 'createdAt', 'id'],
  ],
});

// Tags: a set of words per task, merged add-wins across replicas (declare.ts, SetDecl).
export const taskTags = defineSet({ name: 'task_tags', noun: 'tag', owner: tasks, member: f.text({ max: 40 }), field: 'tags', add: 'tag', remove: 'untag' });

// The tasks a task waits for: a set of task ids, merged like tags.
export const taskBlockers = defineSet({
  name: 'task_blockers',
  noun: 'blocker',
  owner: tasks,
  member: f.ref('tasks', { input: 'blocked-by' }),
  field: 'blockedBy',
  add: 'blockedBy',
  remove: 'unblock',
});

// Notes on a task: only ever added, so they never conflict.
export const taskNotes = defineTable({
  name: 'task_notes',
  noun: 'note',
  policy: 'local-wins',
  appendOnly: true,
  fields: {
    taskId: f.ref('tasks', { input: null, label: null }),
    text: f.text({ max: 10_000, multiline: true, required: true }),
  },
  indexes: [['taskId', 'createdAt']],
});

/**
 * Every synced table, in dependency order (projects before the tasks that
 * reference them) so pushes and pulls of one sync keep references resolvable.
 */
export const TABLES = [projects, tasks, taskTags, taskBlockers, taskNotes] as const;
export type TableName = (typeof TABLES)[number]['name'];
