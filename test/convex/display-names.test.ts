/**
 * Display names through the Convex functions: the server remembers each
 * caller's token `name` claim when they write, and names them by it in a
 * workspace's members and as the writer of a conflict's remote value.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import type { Backend } from '../../src/sync/backend.js';
import { createConvexBackend } from '../../src/sync/backends/convex/index.js';
import { newId, OpSeq, taskFields } from '../sync/contract-helpers.js';

let server: ConvexTestServer;
const backends: Backend[] = [];
const as = async (user: string, name?: string) => {
  const backend = createConvexBackend({ url: server.url, token: await server.mintToken(user, name === undefined ? {} : { name }) });
  backends.push(backend);
  return backend;
};

beforeAll(async () => {
  server = await startConvexServer({ webSocket: false });
});
afterAll(async () => {
  for (const b of backends) await b.close();
  await server?.close();
});

it('names members and conflict writers by the name claim they last wrote with', async () => {
  const [ann, ben, anon] = [await as('ann', 'Ann Example'), await as('ben', 'ben@example.com'), await as('cid')];
  const team = await ann.createWorkspace('Team');
  await ann.addMember(team.id, 'ben', 'member');
  await ann.addMember(team.id, 'cid', 'member');
  // Ben and Cid have not written yet: the server does not know their names.
  expect((await ann.listMembers(team.id)).map((m) => [m.userId, m.name])).toEqual([
    ['ann', 'Ann Example'],
    ['ben', null],
    ['cid', null],
  ]);
  const [benOps, annOps, cidOps] = [new OpSeq(), new OpSeq(), new OpSeq()];
  const task = newId();
  await ben.push({ ...benOps.batch([benOps.create(task, taskFields('draft'))]), workspace: team.id });
  await anon.push({ ...cidOps.batch([cidOps.create(newId(), taskFields('from CI'))]), workspace: team.id });
  expect((await ann.listMembers(team.id)).map((m) => m.name)).toEqual(['Ann Example', 'ben@example.com', null]);
  expect((await ben.listWorkspaces()).user).toEqual({ userId: 'ben', name: 'ben@example.com' });
  const { results } = await ann.push({ ...annOps.batch([annOps.update(task, { title: 'mine' }, 0)]), workspace: team.id });
  expect(results[0]).toMatchObject({ status: 'conflict', conflicts: [{ field: 'title', remoteWriter: { userId: 'ben', name: 'ben@example.com' } }] });
});
