/**
 * What a web app would call to edit tasks and projects directly. They bump
 * versions exactly like `push` (same write helper), record the writer as
 * "web", and always take the web value (a person editing the latest state),
 * so replicas see these edits as remote changes and settle conflicts with
 * them by their table's policy. Tests use them to simulate concurrent edits.
 *
 * Errors: `ConvexError` with `code` "invalid" (field rules, `field` names the
 * culprit), "exists" (create of a known id) or "not_found" (update of an
 * unknown id, or another user's).
 */
import { ConvexError, v } from 'convex/values';
import { mutation, type MutationCtx } from './_generated/server.js';
import { checkFields, isUuid } from '../src/schema/rules.js';
import { tableDecl } from '../src/schema/registry.js';
import type { Fields, SyncTableName } from '../src/schema/protocol.js';
import { VersionCounter } from './model/counter.js';
import { requireUser } from './model/identity.js';
import { wireFieldsValidator } from './model/fields.js';
import { findRecord, writeRecord, type RecordState } from './model/records.js';
import { fieldsRecord } from './model/results.js';

const WEB_WRITER = 'web';
const stateValidator = v.object({ recordId: v.string(), version: v.number(), fields: fieldsRecord });

/** Values a web form leaves out on create. */
function createDefaults(table: SyncTableName, now: number): Fields {
  return table === 'tasks'
    ? { description: null, status: 'todo', stage: null, projectId: null, parentId: null, completedAt: null, createdAt: now }
    : { description: null, createdAt: now };
}

async function webWrite(ctx: MutationCtx, table: SyncTableName, recordId: string, input: Fields, kind: 'create' | 'update') {
  const userId = await requireUser(ctx);
  const now = Date.now();
  const fields = kind === 'create' ? { ...createDefaults(table, now), ...input } : input;
  if (!isUuid(recordId)) throw new ConvexError({ code: 'invalid', field: 'recordId', message: 'recordId must be a full UUID' });
  const problem = checkFields(tableDecl(table), fields, kind);
  if (problem !== null) throw new ConvexError({ code: 'invalid', field: problem.field, message: problem.message });
  const existing = await findRecord(ctx.db, table, userId, recordId);
  if (kind === 'create' && existing !== null) throw new ConvexError({ code: 'exists', message: `${table} ${recordId} already exists` });
  if (kind === 'update' && existing === null) throw new ConvexError({ code: 'not_found', message: `no ${table} ${recordId}` });
  const counter = await VersionCounter.open(ctx.db, userId);
  const state: RecordState = await writeRecord(ctx.db, counter, { table, userId, recordId, existing, fields, writer: WEB_WRITER, time: now });
  await counter.save(ctx.db);
  return { recordId, ...state };
}

const args = (table: SyncTableName) => ({ recordId: v.string(), fields: wireFieldsValidator[table] });

/** Create a task with a caller-chosen UUID. Returns its state. Not idempotent: a second create is "exists". */
export const createTask = mutation({
  args: args('tasks'),
  returns: stateValidator,
  handler: (ctx, a) => webWrite(ctx, 'tasks', a.recordId, a.fields, 'create'),
});

/** Change some fields of a task. Returns its state; an unchanged value bumps nothing. */
export const updateTask = mutation({
  args: args('tasks'),
  returns: stateValidator,
  handler: (ctx, a) => webWrite(ctx, 'tasks', a.recordId, a.fields, 'update'),
});

/** Create a project with a caller-chosen UUID. Returns its state. */
export const createProject = mutation({
  args: args('projects'),
  returns: stateValidator,
  handler: (ctx, a) => webWrite(ctx, 'projects', a.recordId, a.fields, 'create'),
});

/** Change some fields of a project. Returns its state. */
export const updateProject = mutation({
  args: args('projects'),
  returns: stateValidator,
  handler: (ctx, a) => webWrite(ctx, 'projects', a.recordId, a.fields, 'update'),
});
