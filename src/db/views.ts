/**
 * The one place the replica's JSON columns are encoded and decoded (the
 * outbox's changed `fields`, the conflicts' `local_value`/`remote_value`),
 * and the plain views of outbox and conflict rows that the layers above db
 * (sync, output, the board) use instead of drizzle rows. Pure.
 */
import type { ConflictPolicy, Fields, FieldValue, Identity } from '../schema/protocol.js';
import type { ConflictRow, OutboxRow } from './schema.js';

import type { TaskView as TaskRow } from './tables.generated.js';

import type { ProjectInput as ProjectFields, TaskInput as TaskFields } from './tables.generated.js';

export type { ProjectView } from './tables.generated.js';
/** Where a new record goes: a workspace's local id ('' or absent: personal). Only a create reads it. */
type InWorkspace = {
  workspace?: string;
};
/** What a person may set on a task, and (creating one) its workspace. */
export type TaskInput = TaskFields & InWorkspace;
/** What a person may set on a project, and (creating one) its workspace. */
export type ProjectInput = ProjectFields & InWorkspace;
/** A task as the repository reads it: its row, its sets when read, and whether it is blocked (task-blocked.ts). */
export type TaskView = TaskRow & { blocked?: boolean };
export type { SyncStatus } from './sync-columns.js';

/** Encode an op's changed fields for the outbox `fields` column. */
export const encodeFields = (fields: Fields): string => JSON.stringify(fields);
/** Decode the outbox `fields` column. */
export const decodeFields = (text: string): Fields => JSON.parse(text) as Fields;
/** Encode one field value for a conflict's `local_value`/`remote_value` column. */
export const encodeValue = (value: FieldValue): string => JSON.stringify(value);
/** Decode a conflict's `local_value`/`remote_value` column (a missing value is null). */
export const decodeValue = (text: string | null): FieldValue => JSON.parse(text ?? 'null') as FieldValue;

/** A local change, as it is queued. */
export interface NewOp {
  op: 'create' | 'update';
  tableName: string;
  recordId: string;
  /** The record's workspace ('' = personal). */
  workspaceId: string;
  /** For a create every synced field, for an update only the changed ones. */
  fields: Fields;
  /** Server version the change was based on (null: never seen by the server). */
  baseVersion: number | null;
  /** Epoch ms at capture. */
  createdAt: number;
}

/** One queued local change. */
export interface OpView extends NewOp {
  /** Per-replica increasing sequence number (the idempotency key with the client id). */
  seq: number;
  /** Server rejections so far. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  state: 'pending' | 'failed';
}

export function toOpView(row: OutboxRow): OpView {
  return { ...row, fields: decodeFields(row.fields) };
}

/** One field conflict seen on a record, and how it was settled. */
export interface ConflictView {
  id: string;
  tableName: string;
  recordId: string;
  field: string;
  local: FieldValue;
  remote: FieldValue;
  /** Who last wrote the remote value (user id and, when the server knows it, name); null when unknown. The local side is this replica's user. */
  remoteWriter: Identity | null;
  policy: ConflictPolicy;
  /** Which side the policy kept; pending while a manual conflict waits for `convoy resolve`. */
  winner: 'local' | 'remote' | 'pending';
  resolved: boolean;
  createdAt: number;
  resolvedAt: number | null;
}

export function toConflictView(row: ConflictRow): ConflictView {
  const { localValue, remoteValue, remoteWriterId, remoteWriterName, ...rest } = row;
  const remoteWriter = remoteWriterId === null ? null : { userId: remoteWriterId, name: remoteWriterName };
  return { ...rest, local: decodeValue(localValue), remote: decodeValue(remoteValue), remoteWriter, policy: row.policy as ConflictPolicy, winner: row.winner as ConflictView['winner'] };
}
