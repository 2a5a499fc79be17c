/** `push`: apply a replica's queued ops (convex/model/functions.ts, src/schema/server/push.ts). */
import { TABLES } from '../src/schema/tables.js';
import { syncFunctions } from './model/functions.js';

export const { push } = syncFunctions(TABLES);
