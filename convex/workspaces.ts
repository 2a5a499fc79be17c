/**
 * `workspaces:list`, `create`, `members`, `addMember` and `removeMember`:
 * shared workspaces and their members (convex/model/workspace-functions.ts,
 * src/schema/server/workspaces.ts).
 */
import { workspaceFunctions } from './model/workspace-functions.js';

export const { list, create, members, addMember, removeMember } = workspaceFunctions;
