/**
 * Equality buckets for convex-test's in-memory database.
 *
 * convex-test answers every indexed query by visiting every document of the
 * whole database, so a push of N creates into a table of N rows costs O(N²)
 * and a few thousand rows take many seconds. This shim narrows the documents
 * it visits: for an index range that starts with `eq` on string values, only
 * committed documents with those values (found in a hash bucket), plus any
 * written in the running transaction. convex-test's own range check, sorting
 * and limits still run on them, so the shim decides no match, only which
 * documents are looked at; semantics are unchanged.
 *
 * It relies on convex-test 0.0.60 internals (`_documents`, `_writes`,
 * `_addWrite`, `_iterateDocs`, `_resolveQuerySource`, `commit`); when they
 * are missing `installIndexCache` returns false and the server refuses to
 * start rather than silently run slow. CONVOY_CONVEX_TEST_NO_INDEX=1 (or the
 * server's `indexCache: false`) turns it off, to compare.
 */
type Doc = Record<string, unknown>;
interface RangeExpr {
  type: string;
  fieldPath: string;
  value: unknown;
}
interface QuerySource {
  type: string;
  indexName?: string;
  range?: RangeExpr[];
}
interface FakeDb {
  _documents: Record<string, Doc>;
  _writes: Record<string, Doc | null>[];
  get(table: string, id: string): Doc | null;
  _addWrite(id: string, doc: Doc | null): void;
  _iterateDocs(table: string, callback: (doc: Doc) => void): void;
  _resolveQuerySource(query: { source: QuerySource }): unknown;
  commit(commitTs?: unknown): void;
}

const tableOf = (id: string) => id.replace(/^[0-9]+/, '');

/** Bucket key of a document for the given field paths; null when a value is not a string. */
function keyOf(doc: Doc, fields: string[]): string | null {
  const values = fields.map((f) => doc[f]);
  return values.every((v) => typeof v === 'string') ? JSON.stringify(values) : null;
}

/** The leading string `Eq` bounds of an index range, or null when there are none. */
function eqPrefix(source: QuerySource | null): { name: string; fields: string[]; values: unknown[]; key: string } | null {
  if (source?.type !== 'IndexRange' || !source.range || !source.indexName) return null;
  const eqs: RangeExpr[] = [];
  for (const expr of source.range) {
    if (expr.type !== 'Eq' || typeof expr.value !== 'string') break;
    eqs.push(expr);
  }
  if (eqs.length === 0) return null;
  const fields = eqs.map((e) => e.fieldPath);
  const values = eqs.map((e) => e.value);
  return { name: `${source.indexName}#${fields.join(',')}`, fields, values, key: JSON.stringify(values) };
}

function isFakeDb(db: unknown): db is FakeDb {
  const d = db as Partial<FakeDb> | null;
  return (
    typeof d === 'object' && d !== null && typeof d._documents === 'object' && Array.isArray(d._writes) &&
    typeof d._iterateDocs === 'function' && typeof d._resolveQuerySource === 'function' && typeof d.commit === 'function' &&
    typeof d._addWrite === 'function'
  );
}

/** Patch one convex-test database instance in place. Returns whether it could. */
export function installIndexCache(db: unknown): boolean {
  if (!isFakeDb(db)) return false;
  const cache = new IndexCache(db);
  const resolve = db._resolveQuerySource.bind(db);
  const addWrite = db._addWrite.bind(db);
  const commit = db.commit.bind(db);
  // `_iterateDocs` is only told the table; the query source it serves is
  // remembered around the (synchronous) `_resolveQuerySource` call.
  db._resolveQuerySource = (query) => {
    cache.source = query.source;
    try {
      return resolve(query);
    } finally {
      cache.source = null;
    }
  };
  db._iterateDocs = (table, callback) => cache.iterate(table, callback);
  db._addWrite = (id, doc) => {
    addWrite(id, doc);
    cache.pendingWrite(id);
  };
  db.commit = (commitTs) => {
    const outermost = db._writes.length === 1;
    const written = Object.keys(db._writes.at(-1) ?? {});
    const before = new Map(written.map((id) => [id, db._documents[id]]));
    commit(commitTs);
    if (outermost) for (const id of written) cache.committed(id, before.get(id), db._documents[id]);
  };
  return true;
}

class IndexCache {
  /** The query being resolved, if any. */
  source: QuerySource | null = null;
  /** table -> committed ids. */
  private readonly tables = new Map<string, Set<string>>();
  /** "table.index#fields" -> bucket key -> committed ids. */
  private readonly buckets = new Map<string, { fields: string[]; map: Map<string, Set<string>> }>();
  /** Ids written in each pending transaction layer (a plain object), by table. */
  private readonly pending = new WeakMap<object, Map<string, Set<string>>>();

  constructor(private readonly db: FakeDb) {}

  /** Visit a superset of the documents of `table` the current query can match. */
  iterate(table: string, callback: (doc: Doc) => void): void {
    const prefix = eqPrefix(this.source);
    const ids = new Set(prefix === null ? this.tableIds(table) : (this.bucket(table, prefix.name, prefix.fields).get(prefix.key) ?? []));
    // Documents written in the running transaction: only those now in the bucket
    // (one that left it is still among the committed ids and gets re-checked).
    for (const layer of this.db._writes) {
      for (const id of this.pending.get(layer)?.get(table) ?? []) {
        const doc = layer[id];
        if (prefix === null || (doc != null && prefix.fields.every((f, i) => doc[f] === prefix.values[i]))) ids.add(id);
      }
    }
    for (const id of ids) {
      const doc = this.db.get(table, id);
      if (doc !== null) callback(doc);
    }
  }

  pendingWrite(id: string): void {
    const layer = this.db._writes.at(-1)!;
    let byTable = this.pending.get(layer);
    if (byTable === undefined) this.pending.set(layer, (byTable = new Map()));
    addTo(byTable, tableOf(id), id);
  }

  /** Move a committed document between buckets. */
  committed(id: string, before: Doc | undefined, after: Doc | undefined): void {
    const table = tableOf(id);
    const ids = this.tables.get(table);
    if (after === undefined) ids?.delete(id);
    else ids?.add(id);
    for (const [name, entry] of this.buckets) {
      if (!name.startsWith(`${table}.`)) continue;
      if (before !== undefined) entry.map.get(keyOf(before, entry.fields) ?? '')?.delete(id);
      if (after !== undefined) addTo(entry.map, keyOf(after, entry.fields), id);
    }
  }

  private tableIds(table: string): Set<string> {
    let ids = this.tables.get(table);
    if (ids === undefined) {
      ids = new Set(Object.keys(this.db._documents).filter((id) => tableOf(id) === table));
      this.tables.set(table, ids);
    }
    return ids;
  }

  private bucket(table: string, name: string, fields: string[]): Map<string, Set<string>> {
    let entry = this.buckets.get(name);
    if (entry === undefined) {
      entry = { fields, map: new Map() };
      for (const id of this.tableIds(table)) addTo(entry.map, keyOf(this.db._documents[id]!, fields), id);
      this.buckets.set(name, entry);
    }
    return entry.map;
  }
}

function addTo(map: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  let ids = map.get(key);
  if (ids === undefined) map.set(key, (ids = new Set()));
  ids.add(id);
}
