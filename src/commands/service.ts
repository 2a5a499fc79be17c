/**
 * `convoy service install|uninstall|status [--interval s] [--print]`: the
 * sync daemon as a service of the current user — a systemd user unit on
 * Linux, a launchd agent on macOS (see service-files.ts) — installed,
 * enabled and started through the OS's own tool (systemctl / launchctl).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, UsageError } from '../errors.js';
import { PINNED_ENV, renderServiceFile, type ServiceFile, type ServicePlatform } from './service-files.js';

export interface ServiceOptions {
  interval?: string;
  print?: boolean;
  platform?: string;
  json?: boolean;
}

/** The running program, as the service must start it again. */
export interface ServiceHost {
  platform: NodeJS.Platform;
  nodePath: string;
  convoyPath: string;
  homeDir: string;
  uid: number | undefined;
}

export type ServiceAction = 'install' | 'uninstall' | 'status';

function platformOf(options: ServiceOptions, host: ServiceHost): ServicePlatform {
  const wanted = options.platform ?? (host.platform === 'darwin' ? 'macos' : host.platform);
  if (wanted === 'linux' || wanted === 'macos') return wanted;
  if (options.platform !== undefined) throw new UsageError(`--platform "${options.platform}" must be linux or macos`);
  throw new ConfigError(`convoy service knows systemd (Linux) and launchd (macOS), not ${host.platform}; run \`convoy sync --watch\` under your own supervisor`);
}

function serviceFile(options: ServiceOptions, ctx: Context, host: ServiceHost): ServiceFile {
  if (options.interval !== undefined && !/^[1-9]\d*$/.test(options.interval)) {
    throw new UsageError(`--interval "${options.interval}" must be a whole number of seconds, at least 1`);
  }
  const env: Record<string, string> = {};
  for (const key of PINNED_ENV) {
    const value = ctx.env[key]?.trim();
    if (value) env[key] = value;
  }
  return renderServiceFile({
    platform: platformOf(options, host),
    nodePath: host.nodePath,
    convoyPath: host.convoyPath,
    profile: ctx.paths.profile,
    interval: options.interval === undefined ? 10 : Number(options.interval),
    env,
    homeDir: host.homeDir,
    xdgConfigHome: ctx.env.XDG_CONFIG_HOME?.trim() || undefined,
  });
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the service manager's tool; a missing tool is a configuration problem with the fix. */
function runTool(ctx: Context, command: string, args: string[]): Ran {
  const result = spawnSync(command, args, { encoding: 'utf8', env: ctx.env });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new ConfigError(`${command} was not found: this machine has no ${command === 'systemctl' ? 'systemd' : 'launchd'} to run the service; write the file with --print and run \`convoy sync --watch\` under your own supervisor`);
  }
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

function mustRun(ctx: Context, command: string, args: string[]): void {
  const ran = runTool(ctx, command, args);
  if (ran.status !== 0) throw new ConfigError(`${command} ${args.join(' ')} failed (exit ${ran.status}): ${ran.stderr || ran.stdout}`);
}

/** The manager's commands for one file. */
function manager(ctx: Context, file: ServiceFile, platform: ServicePlatform, uid: number | undefined) {
  const domain = `gui/${uid ?? 501}`;
  if (platform === 'linux') {
    const systemctl = (...args: string[]) => runTool(ctx, 'systemctl', ['--user', ...args]);
    return {
      start: () => {
        mustRun(ctx, 'systemctl', ['--user', 'daemon-reload']);
        mustRun(ctx, 'systemctl', ['--user', 'enable', file.name]);
        mustRun(ctx, 'systemctl', ['--user', 'restart', file.name]);
      },
      stop: () => void systemctl('disable', '--now', file.name),
      forget: () => void systemctl('daemon-reload'),
      state: () => ({ active: systemctl('is-active', file.name).stdout || 'unknown', enabled: systemctl('is-enabled', file.name).stdout || 'unknown' }),
    };
  }
  return {
    start: () => {
      runTool(ctx, 'launchctl', ['bootout', `${domain}/${file.name}`]);
      mustRun(ctx, 'launchctl', ['bootstrap', domain, file.path]);
    },
    stop: () => void runTool(ctx, 'launchctl', ['bootout', `${domain}/${file.name}`]),
    forget: () => undefined,
    state: () => {
      const printed = runTool(ctx, 'launchctl', ['print', `${domain}/${file.name}`]);
      const state = /^\s*state = (\S+)/m.exec(printed.stdout)?.[1];
      return { active: printed.status === 0 ? (state ?? 'loaded') : 'not loaded', enabled: printed.status === 0 ? 'loaded' : 'not loaded' };
    },
  };
}

/**
 * install: write the file, enable and (re)start the service; idempotent
 * (installing again rewrites the file and restarts). uninstall: stop,
 * disable and remove it; nothing installed is not an error. status: the
 * file and the manager's view. `--print` only prints the file.
 */
export async function serviceCommand(action: ServiceAction, options: ServiceOptions, ctx: Context, host: ServiceHost): Promise<void> {
  const file = serviceFile(options, ctx, host);
  if (options.print) {
    if (action !== 'install') throw new UsageError(`--print goes with install (it prints the file install would write), not ${action}`);
    ctx.reporter.result({ path: file.path, name: file.name, text: file.text }, () => file.text);
    return;
  }
  const platform = platformOf(options, host);
  const osManager = manager(ctx, file, platform, host.uid);
  if (action === 'install') {
    if ((await ctx.config()).backendKind() === null) {
      throw new ConfigError('no backend is configured for this profile, so the daemon would stop at once; run `convoy init` first, then install the service');
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text, { mode: 0o644 });
    osManager.start();
    ctx.reporter.result({ installed: true, path: file.path, name: file.name, logs: file.logs }, () =>
      [`installed and started ${file.name}`, `  file: ${file.path}`, `  logs: ${file.logs}`, '  stop and remove: convoy service uninstall'].join('\n'),
    );
    return;
  }
  const installed = existsSync(file.path);
  if (action === 'uninstall') {
    if (installed) {
      osManager.stop();
      rmSync(file.path, { force: true });
      osManager.forget();
    }
    ctx.reporter.result({ removed: installed, path: file.path, name: file.name }, () => (installed ? `stopped and removed ${file.name} (${file.path})` : `${file.name} is not installed (${file.path})`));
    return;
  }
  const state = installed ? osManager.state() : { active: 'not installed', enabled: 'not installed' };
  ctx.reporter.result({ installed, path: file.path, name: file.name, ...state, logs: file.logs }, () =>
    [`${file.name}: ${installed ? `${state.active} (${state.enabled})` : 'not installed (convoy service install)'}`, `  file: ${file.path}`, `  logs: ${file.logs}`].join('\n'),
  );
}
