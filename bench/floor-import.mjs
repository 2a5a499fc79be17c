// The floor for `convoy import`: a bare Node program that reads the same
// JSON-lines file of creates and inserts each task row + its create op with
// plain better-sqlite3 prepared statements, all in one transaction, like
// convoy does, and builds the search index the way convoy does. No validation,
// no reference lookups, no ORM: what is left of convoy's time above this is its
// own overhead; this itself is what SQLite and the schema's indexes cost here.
//
// usage: node bench/floor-import.mjs <replica.db> <file.jsonl>
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const [path, file] = process.argv.slice(2);
if (!path || !file) {
  console.error('usage: node bench/floor-import.mjs <replica.db> <file.jsonl>');
  process.exit(2);
}

// Monotonic UUIDv7 (ms timestamp, 12-bit counter, random tail), like convoy's
// time-ordered ids: the primary-key index sees appends, not random inserts.
let lastMs = 0;
let counter = 0;
let pool = Buffer.alloc(0);
let offset = 0;
function uuidv7() {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    if (++counter > 0xfff) {
      ms++;
      counter = 0;
    }
  } else counter = 0;
  lastMs = ms;
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 4096);
    offset = 0;
  }
  const bytes = pool.subarray(offset, (offset += 16));
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const insertTask = db.prepare(
  "INSERT INTO tasks (id, title, description, status, stage, project_id, parent_id, completed_at, created_at, updated_at, sync_status) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, 'pending')",
);
const insertOp = db.prepare("INSERT INTO outbox (op, table_name, record_id, fields, created_at) VALUES ('create', 'tasks', ?, ?, ?)");
const now = Date.now();
// The search index as convoy builds it in a bulk write (src/db/search-index.ts):
// the triggers skip the new rows, one INSERT … SELECT indexes them at the end.
const lastRowid = db.prepare('SELECT max(rowid) AS last FROM tasks').pluck();
const deferIndex = db.prepare('INSERT INTO search_index_deferral (after_rowid) VALUES (?)');
const indexNew = db.prepare('INSERT INTO tasks_fts (rowid, title, description) SELECT rowid, title, description FROM tasks WHERE rowid > ?');
const undefer = db.prepare('DELETE FROM search_index_deferral');
db.transaction(() => {
  const after = lastRowid.get() ?? 0;
  deferIndex.run(after);
  for (const line of lines) {
    const id = uuidv7();
    const status = line.status ?? 'todo';
    const fields = {
      title: line.title,
      description: line.description ?? '',
      status,
      stage: line.stage ?? '',
      projectId: null,
      parentId: null,
      completedAt: status === 'done' ? now : null,
      createdAt: now,
    };
    insertTask.run(id, fields.title, fields.description, status, fields.stage, fields.completedAt, now, now);
    insertOp.run(id, JSON.stringify(fields), now);
  }
  indexNew.run(after);
  undefer.run();
}).immediate();
db.close();
