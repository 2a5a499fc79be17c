/** The server's field-level conflict rules, without a database. */
import { describe, expect, it } from 'vitest';
import { settleUpdate, type SettleInput } from '../../src/schema/server/settle.js';

/** A record created by replica "a" at version 1, whose title "web" then changed at version 5. */
const input = (over: Partial<SettleInput>): SettleInput => ({
  fields: { title: 'local' },
  baseVersion: 1,
  clientTime: 100,
  clientId: 'a',
  policy: 'local-wins',
  current: { title: 'web', stage: null },
  fieldVersions: { title: 5, stage: 1 },
  fieldWriters: { title: 'web', stage: 'a' },
  fieldTimes: { title: 50, stage: 10 },
  ...over,
});

describe('settleUpdate', () => {
  it.each([
    ['local-wins', 100, 'local', { title: 'local' }],
    ['remote-wins', 100, 'remote', {}],
    ['last-write-wins', 100, 'local', { title: 'local' }],
    ['last-write-wins', 50, 'remote', {}], // a tie keeps the server value
    ['manual', 100, 'pending', {}],
  ] as const)('%s (client time %i): %s wins', (policy, clientTime, winner, writes) => {
    const s = settleUpdate(input({ policy, clientTime }));
    expect(s.writes).toEqual(writes);
    expect(s.conflicts).toEqual([{ field: 'title', local: 'local', remote: 'web', policy, winner }]);
  });

  it('sees no conflict for an unchanged base, the replica’s own write, or an equal value', () => {
    expect(settleUpdate(input({ baseVersion: 5 })).conflicts).toEqual([]);
    expect(settleUpdate(input({ fieldWriters: { title: 'a', stage: 'a' } })).conflicts).toEqual([]);
    expect(settleUpdate(input({ fields: { title: 'web' } }))).toMatchObject({ writes: {}, conflicts: [] });
  });

  it('merges a field nobody else touched and says others changed', () => {
    const s = settleUpdate(input({ fields: { stage: 'doing' } }));
    expect(s).toEqual({ writes: { stage: 'doing' }, conflicts: [], othersChanged: true });
    expect(settleUpdate(input({ fields: { stage: 'doing' }, baseVersion: 5 })).othersChanged).toBe(false);
  });
});
