/**
 * The per-table contract: push/pull cases run over every table of a registry
 * with no per-table code, against any backend that can be started for that
 * registry. Each case sends one op (or a few) per table in one batch, so 25
 * tables cost a handful of pushes, not hundreds.
 *
 * Expected values come from the declarations (field names, rules, policies),
 * never from a list of tables, so a registry of any size is covered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDecl } from '../../src/schema/declare.js';
import type { FieldConflict, Fields, PushBatch, PushOp } from '../../src/schema/protocol.js';
import { defaultPolicies, type Registry } from '../../src/schema/registry.js';
import { checkFields } from '../../src/schema/rules.js';
import type { Backend } from '../../src/sync/backend.js';
import { editableField, invalidUpdate, sampleFields, sampleValue } from '../helpers/many-tables.js';
import { headOf, newId, OpSeq, pullAll, versionOf } from './contract-helpers.js';

/** A backend started for one registry, acting as one user. */
export interface TableContractHarness {
  /** The client adapter under test, as one user with no records yet. */
  backend: Backend;
  /** Update a record of `table` as the web app would, for the same user (writer "web", its value wins). */
  webUpdate(table: string, recordId: string, fields: Fields): Promise<void>;
  /** Stop the server; idempotent. */
  close(): Promise<void>;
}

/** One backend of the matrix: adding a backend is one more of these. */
export interface TableContractBackend {
  name: string;
  /** Start a fresh server whose schema and functions are derived from `registry`. */
  start(registry: Registry): Promise<TableContractHarness>;
}

/** Run the per-table contract over every table of `registry`, once per backend. */
export function describeTableContract(registry: Registry, backends: readonly TableContractBackend[]): void {
  for (const entry of backends) {
    describe(`${registry.length} declared tables: ${entry.name}`, () => {
      const suite = { registry } as Suite;
      beforeAll(async () => {
        suite.harness = await entry.start(registry);
      });
      afterAll(async () => {
        await suite.harness?.backend.close();
        await suite.harness?.close();
      });
      tableCases(suite);
    });
  }
}

interface Suite {
  registry: Registry;
  harness: TableContractHarness;
}

/** One record per table, created in one batch; returns each table's record id and created version. */
interface Created {
  table: TableDecl;
  id: string;
  version: number;
}

function tableCases(suite: Suite): void {
  const push = (ops: OpSeq, list: PushOp[]) => suite.harness.backend.push(batchOf(suite.registry, ops, list));

  /** Create one record per table (fields varied by `n`), asserting each is applied. */
  async function createAll(ops: OpSeq, n: number): Promise<Created[]> {
    const creates = suite.registry.map((table) => ops.create(newId(), sampleFields(table, n), table.name));
    const { results } = await push(ops, creates);
    return suite.registry.map((table, i) => {
      expect(results[i], table.name).toMatchObject({ status: 'applied', fields: sampleFields(table, n) });
      return { table, id: creates[i]!.recordId, version: versionOf(results[i]) };
    });
  }

  /** The latest pulled state of each table's record after `cursor`, pulled table by table. */
  async function pulledAfter(cursor: number, records: Created[]): Promise<Map<string, { version: number; fields: Fields }>> {
    const logs = await Promise.all(records.map(({ table }) => pullAll(suite.harness.backend, table.name, cursor, 1000)));
    const latest = new Map<string, { version: number; fields: Fields }>();
    for (const log of logs) for (const r of log.records) latest.set(r.recordId, r);
    return latest;
  }

  it('pulls a pushed create of every table with every declared field', async () => {
    const cursor = await headOf(suite.harness.backend, suite.registry[0]!.name);
    const created = await createAll(new OpSeq(), 0);
    const pulled = await pulledAfter(cursor, created);
    for (const { table, id, version } of created) {
      expect(pulled.get(id), table.name).toEqual({ recordId: id, version, fields: sampleFields(table, 0) });
      expect(Object.keys(pulled.get(id)!.fields).sort(), table.name).toEqual([...table.fieldNames].sort());
    }
  });

  it('bumps the version on a one-field update of every table, and pulls it', async () => {
    const ops = new OpSeq();
    const created = await createAll(ops, 0);
    const updates = created.map(({ table, id, version }, i) => ops.update(id, oneField(table, i, 1), version, { table: table.name }));
    const { results } = await push(ops, updates);
    const pulled = await pulledAfter(Math.min(...created.map((c) => c.version)), created);
    created.forEach(({ table, id, version }, i) => {
      const fields = { ...sampleFields(table, 0), ...oneField(table, i, 1) };
      expect(results[i], table.name).toMatchObject({ status: 'applied', fields });
      expect(versionOf(results[i]), table.name).toBeGreaterThan(version);
      expect(pulled.get(id), table.name).toEqual({ recordId: id, version: versionOf(results[i]), fields });
    });
  });

  it('applies a batch pushed twice once, and answers the same both times', async () => {
    const ops = new OpSeq();
    const list = suite.registry.flatMap((table, i) => {
      const create = ops.create(newId(), sampleFields(table, 2), table.name);
      return [create, ops.update(create.recordId, oneField(table, i, 3), null, { table: table.name })];
    });
    const first = await push(ops, list);
    const head = await headOf(suite.harness.backend, suite.registry[0]!.name);
    const again = await push(ops, list);
    expect(again).toEqual(first);
    expect(await headOf(suite.harness.backend, suite.registry[0]!.name)).toBe(head);
    suite.registry.forEach((table, i) => {
      expect(first.results[2 * i + 1], table.name).toMatchObject({ status: 'applied', fields: { ...sampleFields(table, 2), ...oneField(table, i, 3) } });
    });
  });

  it('rejects an invalid value per op, and applies the ops around it', async () => {
    const ops = new OpSeq();
    const created = await createAll(ops, 4);
    const list = created.flatMap(({ table, id, version }, i) => [
      ops.update(id, invalidUpdate(table, i), version, { table: table.name }),
      ops.update(id, oneField(table, i + 1, 5), version, { table: table.name }),
    ]);
    const { results } = await push(ops, list);
    const pulled = await pulledAfter(Math.min(...created.map((c) => c.version)), created);
    created.forEach(({ table, id }, i) => {
      const reason = checkFields(table, invalidUpdate(table, i), 'update')?.message;
      expect(reason, `${table.name}: the helper's invalid value passes the rules`).toBeDefined();
      expect(results[2 * i], table.name).toEqual({ seq: list[2 * i]!.seq, status: 'rejected', reason });
      const fields = { ...sampleFields(table, 4), ...oneField(table, i + 1, 5) };
      expect(results[2 * i + 1], table.name).toMatchObject({ status: 'applied', fields });
      expect(pulled.get(id)?.fields, table.name).toEqual(fields);
    });
  });

  it("settles a web write against a stale local update by each table's declared policy", async () => {
    const ops = new OpSeq();
    const created = await createAll(ops, 6);
    for (const [i, { table, id }] of created.entries()) await suite.harness.webUpdate(table.name, id, oneField(table, i, 7));
    // Last-write-wins tables alternate a local clock an hour ahead of the web write and one long before it.
    const clientTimeOf = (i: number) => (i % 2 === 0 ? Date.now() + 3_600_000 : 1);
    const stale = created.map(({ table, id, version }, i) =>
      ops.update(id, oneField(table, i, 8), version, { table: table.name, clientTime: clientTimeOf(i) }),
    );
    const { results } = await push(ops, stale);
    const pulled = await pulledAfter(Math.min(...created.map((c) => c.version)), created);
    created.forEach(({ table, id }, i) => {
      const field = editableField(table, i);
      const [local, remote] = [oneField(table, i, 8)[field]!, oneField(table, i, 7)[field]!];
      const winner = expectedWinner(table, clientTimeOf(i));
      const fields = { ...sampleFields(table, 6), [field]: winner === 'local' ? local : remote };
      const conflicts: FieldConflict[] = [{ field, local, remote, policy: table.policy, winner }];
      expect(results[i], table.name).toMatchObject({ status: 'conflict', fields, conflicts });
      expect(pulled.get(id)?.fields, table.name).toEqual(fields);
    });
  });
}

/** A batch as the replica sends it: its registry's declared policies. */
function batchOf(registry: Registry, ops: OpSeq, list: PushOp[]): PushBatch {
  return { clientId: ops.clientId, policies: defaultPolicies(registry), ops: list };
}

/** A one-field change of the `n`-th editable field of `table`, to sample value `v` (values of distinct `v` mod 3 differ). */
function oneField(table: TableDecl, n: number, v: number): Fields {
  const field = editableField(table, n);
  return { [field]: sampleValue(table.fields[field]!, v) };
}

/**
 * Who a declared policy says wins a field the web changed after the op's base.
 * The web write's clock is "now", so a local clock an hour ahead is later and
 * one at epoch 1 is earlier. Manual tables are not generated (see many-tables).
 */
function expectedWinner(table: TableDecl, clientTime: number): 'local' | 'remote' {
  switch (table.policy) {
    case 'local-wins':
      return 'local';
    case 'remote-wins':
      return 'remote';
    case 'last-write-wins':
      return clientTime > Date.now() ? 'local' : 'remote';
    case 'manual':
      throw new Error(`${table.name}: the manual policy holds the server value; this suite does not cover it`);
  }
}
