import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configGetCommand, configListCommand, configPathCommand, configSetCommand, configUnsetCommand } from '../../src/commands/config.js';
import { UsageError } from '../../src/errors.js';
import { testContext, tempHome } from '../helpers/replica.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-payload.signature-part';

describe('convoy config', () => {
  it('stores secrets in a 0600 file and never prints them in full', async () => {
    const home = tempHome();
    const ctx = testContext({ home, json: true });
    await configSetCommand('convex.token', TOKEN, {}, ctx);
    await configSetCommand('convex.url', 'https://happy-animal-123.convex.cloud', {}, testContext({ home }));
    const paths = (await ctx.config()).files;
    expect(statSync(paths.secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(paths.secrets, 'utf8')).toContain(TOKEN);
    expect(readFileSync(paths.config, 'utf8')).not.toContain(TOKEN);

    const list = testContext({ home, json: true });
    await configListCommand({}, list);
    expect(list.reporter.stdout.join('')).not.toContain(TOKEN);
    const human = testContext({ home });
    await configListCommand({}, human);
    await configGetCommand('convex.token', {}, human);
    expect(human.reporter.stdout.join('\n')).not.toContain(TOKEN);
    expect(human.reporter.stdout.join('\n')).toMatch(/convex\.url\s+https:\/\/happy-animal-123\.convex\.cloud\s+file/);
    expect(ctx.reporter.stdout.join('')).not.toContain(TOKEN);
  });

  it('reads a secret from stdin when the value is -', async () => {
    const home = tempHome();
    await configSetCommand('supabase.accessToken', '-', {}, testContext({ home }), async () => `${TOKEN}\n`);
    expect((await testContext({ home }).config()).get('supabase.accessToken')).toBe(TOKEN);
  });

  it('lets the environment beat the file, and says where a value came from', async () => {
    const home = tempHome();
    await configSetCommand('convex.url', 'https://file.convex.cloud', {}, testContext({ home }));
    const ctx = testContext({ home, json: true, env: { CONVOY_CONVEX_URL: 'https://env.convex.cloud' } });
    await configGetCommand('convex.url', {}, ctx);
    expect(ctx.reporter.parsed()).toEqual({ key: 'convex.url', value: 'https://env.convex.cloud', source: 'env', secret: false });
    expect((await ctx.config()).backendKind()).toBe('convex');
  });

  it('unsets keys and validates values', async () => {
    const home = tempHome();
    await configSetCommand('backend', 'supabase', {}, testContext({ home }));
    await configUnsetCommand('backend', {}, testContext({ home }));
    const ctx = testContext({ home, json: true });
    await configGetCommand('backend', {}, ctx);
    expect(ctx.reporter.parsed()).toMatchObject({ value: null, source: 'unset' });
    await expect(configSetCommand('backend', 'firebase', {}, testContext({ home }))).rejects.toThrow(UsageError);
    await expect(configSetCommand('sync.batchSize', '0', {}, testContext({ home }))).rejects.toThrow(/1 to 5000/);
    await expect(configGetCommand('nope', {}, testContext({ home }))).rejects.toThrow(/unknown config key "nope"; use one of backend/);
  });

  it('keeps profiles apart', async () => {
    const home = tempHome();
    await configSetCommand('backend', 'convex', {}, testContext({ home, env: { CONVOY_PROFILE: 'work' } }));
    const other = testContext({ home, json: true });
    await configPathCommand({}, other);
    const paths = other.reporter.parsed<{ config: string; replica: string; profile: string }>();
    expect(paths.profile).toBe('default');
    expect((await other.config()).get('backend')).toBeUndefined();
    const work = testContext({ home, json: true, env: { CONVOY_PROFILE: 'work' } });
    await configPathCommand({}, work);
    expect(work.reporter.parsed<{ replica: string }>().replica).toContain('profiles/work/replica.db');
    expect(() => testContext({ env: { CONVOY_PROFILE: '../etc' } })).toThrow(/not a valid profile name/);
  });
});
