import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConvexServer, type ConvexTestServer } from '../../src/dev/servers/convex/server.js';
import { convoyAsync as convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';

let server: ConvexTestServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startConvexServer();
});
afterAll(() => server.close());

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ op: 'create', title: `${prefix} ${i}` })).join('\n');

describe('convoy doctor, then sync', () => {
  it('the rebuilt replica gets back what was synced and pushes what was pending, once', async () => {
    const home = tempHome();
    const path = join(home, 'replica.db');
    const env = { CONVOY_CONVEX_URL: server.url, CONVOY_CONVEX_TOKEN: await server.mintToken('doctor') };
    expect((await convoy(home, ['import', '-'], { input: lines('synced', 150), env })).code).toBe(0);
    expect((await convoy(home, ['sync'], { env })).code).toBe(0);
    expect((await convoy(home, ['import', '-'], { input: lines('pending', 5), env })).code).toBe(0);
    // Damage the tasks table's root page (the outbox lives in other pages).
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'").pluck().get() as number;
    db.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('integrity.checkedAt', '1', 0) ON CONFLICT (key) DO UPDATE SET value = '1'").run();
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (root - 1) * 4096); // the tasks b-tree's root page
    closeSync(fd);
    expect((await convoy(home, ['list'], { env })).code).toBe(5);

    const doctor = await convoy(home, ['doctor', '--json'], { env });
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ rebuilt: true, requeued: 5, keptClientId: true });
    const synced = await convoy(home, ['sync', '--json'], { env });
    expect(synced.code, synced.stderr).toBe(0);
    const titles = JSON.parse((await convoy(home, ['list', '--json', '--limit', '1000'], { env })).stdout).map((t: { title: string }) => t.title);
    expect(titles).toHaveLength(155);
    expect(titles.filter((t: string) => t.startsWith('pending'))).toHaveLength(5);

    const other = tempHome();
    expect((await convoy(other, ['sync'], { env })).code).toBe(0);
    const theirs = JSON.parse((await convoy(other, ['list', '--json', '--limit', '1000'], { env })).stdout);
    expect(theirs).toHaveLength(155);
  });
});
