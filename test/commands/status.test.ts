import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusCommand } from '../../src/commands/status.js';
import { addTask } from '../../src/db/tasks.js';
import { testContext } from '../helpers/replica.js';

describe('convoy status', () => {
  it('reports no backend, pending ops, never-synced tables and the replica', async () => {
    const ctx = testContext({ json: true });
    addTask(ctx.replica(), { title: 'a' }, 1);
    addTask(ctx.replica(), { title: 'b' }, 2);
    ctx.replica().sqlite.prepare("UPDATE outbox SET state = 'failed' WHERE seq = 2").run();
    ctx.replica().sqlite.prepare("INSERT INTO conflicts (id, table_name, record_id, field, policy, winner, created_at) VALUES ('c1', 'tasks', 'x', 'title', 'manual', 'pending', 1)").run();
    await statusCommand({}, ctx);
    const status = ctx.reporter.parsed<Record<string, unknown>>();
    expect(status).toMatchObject({
      backend: null,
      pending: 1,
      failed: 1,
      conflicts: 1,
      tables: { tasks: { initialSyncDone: false, lastPullAt: null, lastPushAt: null }, projects: { initialSyncDone: false } },
      daemon: { running: false, pid: null, lastHeartbeatAt: null },
      replica: { path: ctx.paths.replica, clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });

  it('shows the configured backend and says never synced in human form', async () => {
    const ctx = testContext({ env: { CONVOY_CONVEX_URL: 'https://x.convex.cloud' } });
    await statusCommand({}, ctx);
    const text = ctx.reporter.stdout.join('\n');
    expect(text).toMatch(/backend:\s+convex https:\/\/x\.convex\.cloud/);
    expect(text).toMatch(/tasks:\s+never synced/);
    expect(text).toMatch(/daemon:\s+not running/);
  });

  it('reads the backend stored by config set (without loading the config library), and refuses a broken config file', async () => {
    const ctx = testContext({ json: true });
    (await ctx.config()).set('supabase.url', 'https://p.supabase.co');
    (await ctx.config()).set('backend', 'supabase');
    await statusCommand({}, ctx);
    expect(ctx.reporter.parsed<Record<string, unknown>>()).toMatchObject({ backend: { kind: 'supabase', url: 'https://p.supabase.co' } });
    writeFileSync(join(ctx.paths.configDir, 'config.json'), '{ not json');
    await expect(statusCommand({}, testContext({ home: ctx.paths.configDir }))).rejects.toThrow(/cannot read config in .*fix or delete the file/);
  });
});
