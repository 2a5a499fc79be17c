/**
 * The sync daemon's service definitions, written for this machine: a systemd
 * user unit (Linux) or a launchd agent (macOS) that runs `convoy sync --watch`
 * with absolute paths to the running node and convoy, and the environment that
 * picks the replica (CONVOY_HOME, CONVOY_PROFILE, XDG dirs) pinned as it is
 * now, so the service syncs the same replica as the shell that installed it.
 * docs/convoy-sync.service and docs/dev.convoy.sync.plist are the references.
 */
import { dirname, join } from 'node:path';

export type ServicePlatform = 'linux' | 'macos';

/** What the definition is made from. */
export interface ServiceSpec {
  platform: ServicePlatform;
  /** Absolute path of the node binary (process.execPath). */
  nodePath: string;
  /** Absolute path of convoy's entry script (bin/convoy.cjs). */
  convoyPath: string;
  profile: string;
  /** Seconds between pulls (`sync --watch --interval`). */
  interval: number;
  /** Variables to pin in the service's environment. */
  env: Record<string, string>;
  homeDir: string;
  /** $XDG_CONFIG_HOME, when set (systemd reads user units under it). */
  xdgConfigHome?: string;
}

/** Where the definition lives, its name for the service manager, and how to read the logs. */
export interface ServiceFile {
  path: string;
  /** The systemd unit name or the launchd label. */
  name: string;
  text: string;
  logs: string;
}

/** The environment variables that decide which replica and config the daemon uses. */
export const PINNED_ENV = ['CONVOY_HOME', 'CONVOY_PROFILE', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME'] as const;

const suffix = (profile: string, sep: string) => (profile === 'default' ? '' : `${sep}${profile}`);

/** The daemon's command line. */
function daemonArgs(spec: ServiceSpec): string[] {
  return [spec.nodePath, spec.convoyPath, 'sync', '--watch', '--interval', String(spec.interval), '--log-format', 'json'];
}

/** The definition for `spec.platform`. */
export function renderServiceFile(spec: ServiceSpec): ServiceFile {
  return spec.platform === 'linux' ? systemdUnit(spec) : launchdAgent(spec);
}

/** A systemd value in double quotes: C-style escapes, and % / $ doubled (specifiers, variables). */
const systemdQuote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;

function systemdUnit(spec: ServiceSpec): ServiceFile {
  const name = `convoy-sync${suffix(spec.profile, '-')}.service`;
  const dir = join(spec.xdgConfigHome || join(spec.homeDir, '.config'), 'systemd', 'user');
  const env = Object.entries(spec.env).map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`);
  const text = [
    `# Written by \`convoy service install\` (profile ${spec.profile}); \`convoy service uninstall\` removes it.`,
    '[Unit]',
    `Description=convoy sync daemon, profile ${spec.profile} (push local task changes, pull remote ones)`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${daemonArgs(spec).map(systemdQuote).join(' ')}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    '# SIGTERM finishes (or safely abandons) the batch in flight and exits 0 within 5 s.',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=10',
    '# Exit 1 = another daemon already runs on this replica; 5 = not configured.',
    'Restart=on-failure',
    'RestartSec=10',
    'RestartPreventExitStatus=5',
    ...env,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
  return { path: join(dir, name), name, text, logs: `journalctl --user -u ${name} -f` };
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function launchdAgent(spec: ServiceSpec): ServiceFile {
  const name = `dev.convoy.sync${suffix(spec.profile, '.')}`;
  const log = join(spec.homeDir, 'Library', 'Logs', `convoy-sync${suffix(spec.profile, '-')}.log`);
  // launchd starts agents with a bare PATH: give node's folder first, for anything the daemon spawns (hooks).
  const env = { PATH: `${dirname(spec.nodePath)}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, ...spec.env };
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- Written by \`convoy service install\` (profile ${xml(spec.profile)}); \`convoy service uninstall\` removes it. -->`,
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${xml(name)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...daemonArgs(spec).map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...Object.entries(env).flatMap(([key, value]) => [`    <key>${xml(key)}</key>`, `    <string>${xml(value)}</string>`]),
    '  </dict>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <!-- Restart after a crash, not after a clean stop (exit 0). -->',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    '  <key>ExitTimeOut</key>',
    '  <integer>10</integer>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(log)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(log)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
  return { path: join(spec.homeDir, 'Library', 'LaunchAgents', `${name}.plist`), name, text, logs: `tail -f ${log}` };
}
