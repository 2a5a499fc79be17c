// The floor for `convoy add`: a bare Node program that opens the same SQLite
// file with better-sqlite3 and inserts one task row + one outbox row in one
// transaction. convoy's own overhead is measured against this.
//
// It writes what `convoy add` writes (a UUIDv7 id, the full create op), so the
// rows it leaves are valid tasks for later commands on the same replica, and
// the SQL work is the same; everything else (CLI parsing, drizzle, migrations
// check, output) is convoy's overhead.
//
// usage: node bench/floor-add.mjs <replica.db> <title>
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const [path, title] = process.argv.slice(2);
if (!path || title === undefined) {
  console.error('usage: node bench/floor-add.mjs <replica.db> <title>');
  process.exit(2);
}
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const now = Date.now();
const bytes = randomBytes(16);
bytes.writeUIntBE(now, 0, 6);
bytes[6] = 0x70 | (bytes[6] & 0x0f);
bytes[8] = 0x80 | (bytes[8] & 0x3f);
const hex = bytes.toString('hex');
const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const fields = { title, description: '', status: 'todo', stage: '', projectId: null, parentId: null, completedAt: null, createdAt: now };
db.transaction(() => {
  db.prepare(
    "INSERT INTO tasks (id, title, description, status, stage, created_at, updated_at, sync_status) VALUES (?, ?, '', 'todo', '', ?, ?, 'pending')",
  ).run(id, title, now, now);
  db.prepare("INSERT INTO outbox (op, table_name, record_id, fields, created_at) VALUES ('create', 'tasks', ?, ?, ?)").run(
    id,
    JSON.stringify(fields),
    now,
  );
}).immediate();
db.close();
