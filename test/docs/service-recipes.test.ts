/** The daemon's service recipes in docs/ parse and run the daemon the documented way. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

describe('service recipes', () => {
  const unit = join(ROOT, 'docs', 'convoy-sync.service');
  const plist = join(ROOT, 'docs', 'dev.convoy.sync.plist');

  it('the systemd user unit runs the daemon and reloads with SIGHUP', () => {
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=\/\S+\/node \/\S+\/bin\/convoy\.cjs sync --watch/m);
    expect(text).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  });

  it.skipIf(!has('systemd-analyze'))('the systemd unit passes systemd-analyze verify', () => {
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!has('python3'))('the launchd plist is a valid property list running the daemon', () => {
    const script = 'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))';
    const result = spawnSync('python3', ['-c', script, plist], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      Label: string;
      ProgramArguments: string[];
      KeepAlive: { SuccessfulExit: boolean };
      EnvironmentVariables: { PATH: string };
    };
    expect(parsed.Label).toBe('dev.convoy.sync');
    // launchd's PATH is bare: node and convoy's script by absolute path, and an explicit PATH.
    expect(parsed.ProgramArguments.slice(0, 4)).toEqual(['/usr/local/bin/node', '/usr/local/lib/node_modules/convoy/bin/convoy.cjs', 'sync', '--watch']);
    expect(parsed.EnvironmentVariables.PATH.split(':')[0]).toBe('/usr/local/bin');
    expect(parsed.KeepAlive.SuccessfulExit).toBe(false);
  });
});

describe('README', () => {
  it('shows the board screenshot the end-to-end test captured', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const screenshot = readFileSync(join(ROOT, 'docs', 'board-screenshot.txt'), 'utf8').trimEnd();
    expect(readme).toContain(`\`\`\`\n${screenshot}\n\`\`\``);
  });
});
