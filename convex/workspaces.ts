/**
 * `workspaces:list`, `create`, `members`, `addMember` and `removeMember`:
 * shared workspaces and their members (convex/model/sharing.ts,
 * src/schema/server/workspaces.ts).
 */
import { workspaceFunctions } from './model/sharing.js';

export const { list, create, members, addMember, removeMember } = workspaceFunctions;
