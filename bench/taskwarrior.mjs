// Taskwarrior 2.6 and its sync server taskd on loopback, for the round-trip
// section's baseline: a throwaway taskd (its own data directory, CA, server
// and client certificates made with Debian's taskd PKI scripts, 2,048-bit
// keys so set-up is quick), one taskd user per run, and clients that talk to
// it over TLS. Needs `task`, `taskd` and GnuTLS's `certtool` (Debian:
// apt-get install -y taskwarrior taskd gnutls-bin); `findTaskwarrior()` says
// what is missing instead.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { stopChild } from './local-convex.mjs';

const PKI = '/usr/share/taskd/pki';
export const INSTALL_HINT = 'apt-get install -y taskwarrior taskd gnutls-bin (Debian/Ubuntu)';

const onPath = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();

/** null when everything is there, else what is missing and how to install it. */
export function findTaskwarrior() {
  const missing = ['task', 'taskd'].filter((b) => !onPath(b));
  if (!onPath('certtool') && !onPath('gnutls-certtool')) missing.push('certtool');
  if (!existsSync(join(PKI, 'generate'))) missing.push(`${PKI} (taskd's PKI scripts)`);
  return missing.length === 0 ? null : `missing ${missing.join(', ')}: ${INSTALL_HINT}`;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port, child, output) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`taskd exited ${child.exitCode}: ${output()}`);
    const open = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket.end() && true));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`taskd did not listen on ${port}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Set up and start taskd under `dir`. Returns { version, addUser(name) -> credentials,
 * client(name, credentials) -> { env, dir }, stop() }.
 */
export async function startTaskd(dir) {
  const pki = join(dir, 'pki');
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  cpSync(PKI, pki, { recursive: true });
  writeFileSync(join(pki, 'vars'), readFileSync(join(pki, 'vars'), 'utf8').replace(/^BITS=.*$/m, 'BITS=2048'));
  run('./generate', [], { cwd: pki });
  const env = { ...process.env, TASKDDATA: data };
  run('taskd', ['init'], { env });
  for (const name of ['client.cert', 'client.key', 'server.cert', 'server.key', 'server.crl', 'ca.cert']) {
    run('taskd', ['config', '--force', name, join(pki, `${name}.pem`)], { env });
  }
  const port = await freePort();
  run('taskd', ['config', '--force', 'server', `127.0.0.1:${port}`], { env });
  run('taskd', ['config', '--force', 'log', join(dir, 'taskd.log')], { env });
  run('taskd', ['add', 'org', 'Bench'], { env });
  const child = spawn('taskd', ['server', '--data', data], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => (output = (output + chunk).slice(-4096));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await waitForPort(port, child, () => output);
  return {
    version: run('task', ['--version']).trim(),
    addUser(name) {
      const key = /New user key: (\S+)/.exec(run('taskd', ['add', 'user', 'Bench', name], { env }))?.[1];
      if (!key) throw new Error(`taskd add user ${name}: no key printed`);
      return `Bench/${name}/${key}`;
    },
    client(name, credentials) {
      const home = join(dir, 'clients', name);
      mkdirSync(home, { recursive: true });
      const rc = join(home, 'taskrc');
      const settings = {
        'data.location': join(home, 'data'),
        confirmation: 'off',
        verbose: 'nothing',
        'taskd.certificate': join(pki, 'client.cert.pem'),
        'taskd.key': join(pki, 'client.key.pem'),
        'taskd.ca': join(pki, 'ca.cert.pem'),
        'taskd.server': `127.0.0.1:${port}`,
        'taskd.credentials': credentials,
        // The server certificate names localhost; the chain is still checked.
        'taskd.trust': 'ignore hostname',
      };
      writeFileSync(rc, Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''));
      return { dir: home, env: { ...process.env, TASKRC: rc, HOME: home } };
    },
    stop: () => stopChild(child),
  };
}

/** Taskwarrior's import file for the same creates convoy imports: description = title, all pending. */
export function taskwarriorImport(createsFile, target) {
  const entry = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const lines = readFileSync(createsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.stringify({ uuid: crypto.randomUUID(), description: JSON.parse(line).title, status: 'pending', entry }));
  writeFileSync(target, `[${lines.join(',\n')}]\n`);
  return target;
}

/** How many pending tasks a client holds. */
export function pendingCount(client) {
  return Number(run('task', ['status:pending', 'count'], { env: client.env }).trim());
}

export const importTasks = (client, file) => run('task', ['import', file], { env: client.env });
