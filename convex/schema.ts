/** The Convex schema, derived from the table declarations (convex/model/schema.ts). */
import { TABLES } from '../src/schema/tables.js';
import { convexSchema } from './model/schema.js';

export default convexSchema(TABLES);
