/**
 * A web app writing directly, through the official supabase-js client and
 * convoy's web-side SQL functions (convoy_web_create / convoy_web_update):
 * the writer is "web" and versions are bumped by the same trigger as push.
 * Used by the contract suite and the scenarios to make concurrent edits.
 */
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import type { Fields, SyncTableName } from '../../../../src/schema/protocol.js';

export interface SupabaseWebClient {
  /** Create a record of any declared table (convoy_web_create), in `workspace` (absent: personal). */
  create(table: SyncTableName, recordId: string, fields: Fields, workspace?: string): Promise<unknown>;
  /** Update a record of any declared table (convoy_web_update), in `workspace` (absent: personal). */
  update(table: SyncTableName, recordId: string, fields: Fields, workspace?: string): Promise<unknown>;
  createTask(recordId: string, fields: Fields): Promise<unknown>;
  updateTask(recordId: string, fields: Fields): Promise<unknown>;
  updateProject(recordId: string, fields: Fields): Promise<unknown>;
}

/** A web client for the user whose access token is `token`; errors are thrown with PostgREST's code. */
export function supabaseWebClient(url: string, anonKey: string, token: string): SupabaseWebClient {
  const client = createClient(url, anonKey, { accessToken: async () => token, realtime: { transport: ws as never } });
  const call = async (fn: 'convoy_web_create' | 'convoy_web_update', table: SyncTableName, recordId: string, fields: Fields, workspace?: string) => {
    const args = { p_table: table, p_record_id: recordId, p_fields: fields, ...(workspace === undefined ? {} : { p_workspace: workspace }) };
    const { data, error } = await client.rpc(fn, args);
    if (error) throw Object.assign(new Error(`${fn}: ${error.code}: ${error.message}`), { code: error.code });
    return data;
  };
  return {
    create: (table, recordId, fields, workspace) => call('convoy_web_create', table, recordId, fields, workspace),
    update: (table, recordId, fields, workspace) => call('convoy_web_update', table, recordId, fields, workspace),
    createTask: (recordId, fields) => call('convoy_web_create', 'tasks', recordId, fields),
    updateTask: (recordId, fields) => call('convoy_web_update', 'tasks', recordId, fields),
    updateProject: (recordId, fields) => call('convoy_web_update', 'projects', recordId, fields),
  };
}
