/**
 * `web:create` and `web:update`: what a web app calls to edit any synced
 * table directly (`{table, recordId, fields}`), bumping versions like push
 * with "web" as the writer (convex/model/functions.ts, src/schema/server/web.ts).
 */
import { TABLES } from '../src/schema/tables.js';
import { syncFunctions } from './model/functions.js';

export const { create, update } = syncFunctions(TABLES);
