/** `pull`, `pullAll`, `checksum` and `head`: read-only queries over the caller's records, paged by version (convex/model/functions.ts). */
import { TABLES } from '../src/schema/tables.js';
import { syncFunctions } from './model/functions.js';

export const { pull, pullAll, checksum, head } = syncFunctions(TABLES);
