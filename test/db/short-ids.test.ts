/**
 * Short ids on a large replica: unique in the whole replica, 6–7 digits for
 * 99% of 100,000 tasks (the tail of a UUIDv7 is random where its head is a clock).
 */
import { expect, it } from 'vitest';
import { resolveId, shortIds } from '../../src/db/lookup.js';
import { specFor } from '../../src/db/registry.js';
import { v7 as uuidv7 } from 'uuid';
import { tempReplica } from '../helpers/replica.js';

it('gives 100,000 tasks unique short ids, 6-7 digits for 99% of them, each resolving to its task', () => {
  const replica = tempReplica();
  const spec = specFor('tasks');
  // Rows straight into SQLite: only the ids matter here, and 100,000 captures with their ops are slow to set up.
  const insert = replica.sqlite.prepare('INSERT INTO tasks (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const ids = replica.write(() => Array.from({ length: 100_000 }, (_, i) => {
    const id = uuidv7();
    insert.run(id, `t${i}`, i, i);
    return id;
  }));
  const shorts = shortIds(replica, spec, ids);
  const values = [...shorts.values()];
  expect(new Set(values).size).toBe(ids.length);
  expect(Math.min(...values.map((s) => s.length))).toBe(6);
  // 48 random bits: one pair in 100,000 may share 8 digits (and need 9).
  const lengths = values.map((s) => s.length).sort((a, b) => a - b);
  expect(lengths[Math.floor(lengths.length * 0.99)]).toBeLessThanOrEqual(7);
  expect(lengths.at(-1)).toBeLessThanOrEqual(9);
  for (const id of ids.slice(0, 2_000)) expect(resolveId(replica, spec, shorts.get(id)!)).toBe(id);
}, 120_000);
