/**
 * Errors for scripts and discovery, through the built binary: one JSON
 * error object on stderr under --json with the documented exit code; the
 * version, help on the environment and config keys, completion scripts.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { acquireDaemonLock } from '../../src/sync/lock.js';
import { convoy, ensureBuilt } from '../helpers/cli.js';
import { tempHome } from '../helpers/replica.js';
import { counts } from './helpers.js';

beforeAll(ensureBuilt);

const errorOf = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stderr) as { error: { code: string; message: string; field: string | null; hint: string | null } };
};

describe('--json errors', () => {
  it('bad input: exit 2, one JSON object on stderr naming the field and the fix, stdout empty, nothing written', () => {
    const home = tempHome();
    convoy(home, ['add', 'seed']);
    const before = counts(home);
    const result = convoy(home, ['add', 'x'.repeat(501), '--json']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(errorOf(result.stderr)).toEqual({
      error: { code: 'bad_input', message: expect.stringMatching(/^title is 501 characters/), field: 'title', hint: 'shorten it to at most 500' },
    });
    const unknown = convoy(home, ['update', 'ffffff', '--title', 'y', '--json']);
    expect(errorOf(unknown.stderr).error).toMatchObject({ code: 'bad_input', field: 'id', hint: 'see convoy list for ids' });
    const option = convoy(home, ['list', '--colour', '--json']);
    expect(option.code).toBe(2);
    expect(errorOf(option.stderr).error).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/unknown option '--colour'/) });
    expect(counts(home)).toEqual(before);
  });

  it('not configured: exit 5, code not_configured; offline: exit 3, code offline', () => {
    const home = tempHome();
    const unconfigured = convoy(home, ['sync', '--json']);
    expect(unconfigured).toMatchObject({ code: 5, stdout: '' });
    expect(errorOf(unconfigured.stderr).error.code).toBe('not_configured');
    const offline = convoy(home, ['sync', '--json'], { env: { CONVOY_CONVEX_URL: 'http://127.0.0.1:9', CONVOY_CONVEX_TOKEN: 't' } });
    expect(offline.code).toBe(3);
    expect(errorOf(offline.stderr).error.code).toBe('offline');
  });

  it('a daemon already running is busy (exit 6), not a bug', async () => {
    const home = tempHome();
    convoy(home, ['add', 'seed']);
    // A live process (this test) holds the daemon lock.
    const lock = await acquireDaemonLock(join(home, 'replica.db'));
    onTestFinished(() => lock.release());
    const result = convoy(home, ['sync', '--watch', '--json'], { env: { CONVOY_CONVEX_URL: 'http://127.0.0.1:9', CONVOY_CONVEX_TOKEN: 't' } });
    expect(result.code).toBe(6);
    expect(errorOf(result.stderr).error).toMatchObject({ code: 'busy', message: expect.stringMatching(/already running/) });
    const text = convoy(home, ['sync', '--watch'], { env: { CONVOY_CONVEX_URL: 'http://127.0.0.1:9', CONVOY_CONVEX_TOKEN: 't' } });
    expect(text.code).toBe(6);
    expect(text.stderr).toMatch(/^error: a sync daemon is already running/);
  });
});

describe('help and discovery', () => {
  it('-v, -V and --version print the version from package.json', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    for (const flag of ['-v', '-V', '--version']) expect(convoy(tempHome(), [flag])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('help environment lists every variable; --help points to it; config --help lists the keys', () => {
    const help = convoy(tempHome(), ['help', 'environment']);
    expect(help.code).toBe(0);
    for (const name of ['CONVOY_HOME', 'CONVOY_PROFILE', 'CONVOY_CONVEX_URL', 'CONVOY_SUPABASE_TOKEN', 'CONVOY_DEBUG', 'NO_COLOR', 'FORCE_COLOR', 'CLICOLOR_FORCE']) {
      expect(help.stdout).toContain(name);
    }
    expect(convoy(tempHome(), ['--help']).stdout).toMatch(/convoy help environment/);
    const config = convoy(tempHome(), ['config', '--help']).stdout;
    for (const key of ['backend', 'convex.url', 'supabase.refreshToken', 'policy.tasks', 'sync.batchSize']) expect(config).toContain(key);
    expect(convoy(tempHome(), ['help', 'add']).stdout).toMatch(/Examples:/);
  });

  it('every command and subcommand has a one-line description', () => {
    const top = convoy(tempHome(), ['--help']).stdout;
    // Command lines start with two spaces (wrapped descriptions continue further in).
    const entries = (help: string) => help.split('Commands:\n')[1]!.split('\n\n')[0]!.split('\n').filter((l) => /^ {2}\S/.test(l));
    const commands = entries(top);
    expect(commands.length).toBeGreaterThan(15);
    for (const line of commands) expect(line).toMatch(/^ {2}\S.*\S {2,}\S/);
    for (const group of ['project', 'config', 'dev']) {
      for (const line of entries(convoy(tempHome(), [group, '--help']).stdout)) expect(line).toMatch(/^ {2}\S.*\S {2,}\S/);
    }
  });

  it('completion scripts come from the command tree, with statuses and the replica\'s project names', () => {
    const home = tempHome();
    convoy(home, ['project', 'add', 'Website']);
    const bash = convoy(home, ['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete -F _convoy convoy/);
    expect(bash.stdout).toMatch(/'list'\) words='[^']*--format[^']*--fields/);
    expect(bash.stdout).toContain("'todo in_progress done canceled'");
    expect(convoy(home, ['completion', 'zsh']).stdout).toMatch(/^#compdef convoy/);
    const fish = convoy(home, ['completion', 'fish']).stdout;
    expect(fish).toMatch(/complete -c convoy -n __fish_use_subcommand -a undo -d/);
    expect(convoy(home, ['completion', 'bash', '--projects']).stdout).toBe('Website\n');
    expect(convoy(home, ['completion', 'tcsh'])).toMatchObject({ code: 2 });
  });
});
