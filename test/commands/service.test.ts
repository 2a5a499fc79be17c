/**
 * `convoy service`: the unit/agent it writes (with --print, checked by the
 * platform's own parsers where present) and what it asks the service manager
 * to do, through a fake `systemctl` on PATH (the OS edge: no systemd here).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, convoy, ensureBuilt } from '../helpers/cli.js';

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
let home: string;
let fakeBin: string;
let calls: string;

beforeAll(() => ensureBuilt());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'convoy-service-'));
  fakeBin = join(home, 'fake-bin');
  calls = join(home, 'systemctl-calls');
  spawnSync('mkdir', ['-p', fakeBin]);
  // Records each call; answers like a healthy systemd user manager, or fails the verb in FAIL_VERB.
  writeFileSync(
    join(fakeBin, 'systemctl'),
    `#!/bin/sh\necho "$*" >> "${calls}"\ncase "$2" in\n  "$FAIL_VERB") echo "Failed to $2: Unit not found." >&2; exit 1;;\n  is-active) echo active;;\n  is-enabled) echo enabled;;\nesac\nexit 0\n`,
  );
  chmodSync(join(fakeBin, 'systemctl'), 0o755);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const withFake = (env: NodeJS.ProcessEnv = {}) => ({ env: { PATH: `${fakeBin}:${process.env.PATH}`, ...env } });
const unitPath = (name = 'convoy-sync.service') => join(home, '.config', 'systemd', 'user', name);
const configure = () => expect(convoy(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210']).code).toBe(0);

describe('convoy service install --print', () => {
  it('prints a systemd user unit running this node and this convoy on this replica', () => {
    const result = convoy(home, ['service', 'install', '--print', '--platform', 'linux', '--interval', '30']);
    expect(result.code).toBe(0);
    const exec = `ExecStart="${process.execPath}" "${realpathSync(BIN)}" "sync" "--watch" "--interval" "30" "--log-format" "json"`;
    expect(result.stdout.split('\n')).toContain(exec);
    expect(result.stdout).toContain(`Environment="CONVOY_HOME=${home}"`);
    expect(result.stdout).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(existsSync(unitPath())).toBe(false);
  });

  it.skipIf(!has('systemd-analyze'))('writes a unit systemd-analyze verifies', () => {
    const file = join(home, 'convoy-sync.service');
    writeFileSync(file, convoy(home, ['service', 'install', '--print', '--platform', 'linux']).stdout);
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!has('python3'))('prints a launchd agent with absolute paths and an explicit PATH', () => {
    const result = convoy(home, ['service', 'install', '--print', '--platform', 'macos'], { env: { CONVOY_PROFILE: 'work' } });
    expect(result.code).toBe(0);
    const script = 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))';
    const parsed = JSON.parse(spawnSync('python3', ['-c', script], { input: result.stdout, encoding: 'utf8' }).stdout) as {
      Label: string;
      ProgramArguments: string[];
      EnvironmentVariables: Record<string, string>;
      StandardErrorPath: string;
    };
    expect(parsed.Label).toBe('dev.convoy.sync.work');
    expect(parsed.ProgramArguments.slice(0, 4)).toEqual([process.execPath, realpathSync(BIN), 'sync', '--watch']);
    expect(parsed.EnvironmentVariables.PATH!.split(':')[0]).toBe(dirname(process.execPath));
    expect(parsed.EnvironmentVariables).toMatchObject({ CONVOY_HOME: home, CONVOY_PROFILE: 'work' });
    expect(parsed.StandardErrorPath).toBe(join(home, 'Library', 'Logs', 'convoy-sync-work.log'));
  });

  it('refuses a bad interval or platform, changing nothing', () => {
    expect(convoy(home, ['service', 'install', '--print', '--interval', '0']).stderr).toMatch(/--interval "0" must be a whole number/);
    expect(convoy(home, ['service', 'install', '--print', '--platform', 'windows']).code).toBe(2);
  });
});

describe('convoy service with systemd', () => {
  it('installs, enables and starts the unit, reports it, and removes it again', () => {
    configure();
    const installed = convoy(home, ['service', 'install'], withFake());
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain('journalctl --user -u convoy-sync.service -f');
    expect(readFileSync(unitPath(), 'utf8')).toContain(`"${realpathSync(BIN)}" "sync" "--watch"`);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['--user daemon-reload', '--user enable convoy-sync.service', '--user restart convoy-sync.service']);

    const status = convoy(home, ['service', 'status', '--json'], withFake());
    expect(JSON.parse(status.stdout)).toMatchObject({ installed: true, active: 'active', enabled: 'enabled', path: unitPath() });

    const removed = convoy(home, ['service', 'uninstall'], withFake());
    expect(removed.code).toBe(0);
    expect(existsSync(unitPath())).toBe(false);
    expect(readFileSync(calls, 'utf8')).toContain('--user disable --now convoy-sync.service');
    expect(convoy(home, ['service', 'uninstall'], withFake()).stdout).toMatch(/is not installed/);
    expect(JSON.parse(convoy(home, ['service', 'status', '--json'], withFake()).stdout)).toMatchObject({ installed: false });
  });

  it('gives a named profile its own unit', () => {
    expect(convoy(home, ['config', 'set', 'convex.url', 'http://127.0.0.1:3210'], { env: { CONVOY_PROFILE: 'work' } }).code).toBe(0);
    expect(convoy(home, ['service', 'install'], withFake({ CONVOY_PROFILE: 'work' })).code).toBe(0);
    expect(readFileSync(unitPath('convoy-sync-work.service'), 'utf8')).toContain('Environment="CONVOY_PROFILE=work"');
  });

  it('refuses to install a daemon that has no backend to sync with', () => {
    const result = convoy(home, ['service', 'install'], withFake());
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/run `convoy init` first/);
    expect(existsSync(unitPath())).toBe(false);
  });

  it('says what failed when systemctl refuses, and when there is no systemctl', () => {
    configure();
    const refused = convoy(home, ['service', 'install'], withFake({ FAIL_VERB: 'restart' }));
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/systemctl --user restart convoy-sync.service failed \(exit 1\): Failed to restart/);
    const missing = convoy(home, ['service', 'install', '--platform', 'linux'], { env: { PATH: join(home, 'empty') } });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/systemctl was not found/);
  });
});
