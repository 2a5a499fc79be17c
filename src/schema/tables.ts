/**
 * The synced tables of convoy, each declared once. Everything else (drizzle
 * tables, field rules, JSON output, import fields, the Convex schema and
 * validators, the Supabase SQL) derives from these declarations; after a
 * change run `npm run gen` (docs/adding-a-field-or-a-table.md).
 */
import { defineTable, f } from './declare.js';

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
  },
  // Few indexes on purpose: each costs every insert. list (and each board
  // column) reads newest first (created_at, then id), so every filter's index
  // ends in that order: a filtered page is a range of one index, never a sort.
  // A filter on several values (statuses, or project without a status) merges
  // one range per value (src/db/task-query.ts).
  indexes: [
    ['createdAt', 'id'],
    ['status', 'createdAt', 'id'],
    ['projectId', 'status', 'createdAt', 'id'],
  ],
});

/**
 * Every synced table, in dependency order (projects before the tasks that
 * reference them) so pushes and pulls of one sync keep references resolvable.
 */
export const TABLES = [projects, tasks] as const;
export type TableName = (typeof TABLES)[number]['name'];
