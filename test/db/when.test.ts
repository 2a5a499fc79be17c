/** Due dates as people type them, read in the local time zone (TZ honoured, here one with DST). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWhen } from '../../src/db/when.js';

const original = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  if (original === undefined) delete process.env.TZ;
  else process.env.TZ = original;
});

/** Local wall-clock text of `ms` in the test's zone. */
const local = (ms: number | null) => (ms === null ? null : new Date(ms).toString().slice(0, 24));

describe('parseWhen (TZ=America/New_York)', () => {
  // Tuesday 2026-12-01 14:30 local.
  const now = () => new Date(2026, 11, 1, 14, 30).getTime();

  it.each([
    ['today', 'Tue Dec 01 2026 00:00:00'],
    ['TODAY', 'Tue Dec 01 2026 00:00:00'],
    ['tomorrow', 'Wed Dec 02 2026 00:00:00'],
    ['+3d', 'Fri Dec 04 2026 00:00:00'],
    ['+2w', 'Tue Dec 15 2026 00:00:00'],
    ['friday', 'Fri Dec 04 2026 00:00:00'],
    ['fri', 'Fri Dec 04 2026 00:00:00'],
    ['tuesday', 'Tue Dec 08 2026 00:00:00'], // the next one, never today
    ['2026-12-24', 'Thu Dec 24 2026 00:00:00'],
    ['2026-12-24T17:00', 'Thu Dec 24 2026 17:00:00'],
    ['2026-12-24 17:00:05', 'Thu Dec 24 2026 17:00:05'],
    ['2026-12-24T17:00Z', 'Thu Dec 24 2026 12:00:00'],
    ['2026-12-24T17:00:00.000+02:00', 'Thu Dec 24 2026 10:00:00'],
  ])('%s', (text, expected) => {
    expect(local(parseWhen(text, now()))).toBe(expected);
  });

  it('keeps local midnight across a DST change (+1w over the November switch)', () => {
    const before = new Date(2026, 9, 30, 12).getTime(); // Fri Oct 30, EDT
    expect(local(parseWhen('+1w', before))).toBe('Fri Nov 06 2026 00:00:00');
    expect(new Date(parseWhen('+1w', before)!).toISOString()).toBe('2026-11-06T05:00:00.000Z');
  });

  it.each(['someday', '', 'fr', '+3', '2026-02-30', '2026-13-01', '2026-12-24T25:00', 'next friday', '-1d'])('refuses %j', (text) => {
    expect(parseWhen(text, now())).toBeNull();
  });
});
