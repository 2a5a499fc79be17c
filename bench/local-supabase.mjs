// The local Supabase server in its own process (bench/workers/supabase-server.ts),
// on PGlite or on a throwaway PostgreSQL cluster, for the sections that sync
// the built CLI against it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';
import { stopChild } from './local-convex.mjs';

const WORKER = join(ROOT, 'bench', 'workers', 'supabase-server.ts');

/** The local Supabase server in its own process (bench/workers/supabase-server.ts): { url, anonKey, tokens, stop } or { skipped }. */
export async function startSupabase(target, users) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify({ target, users })], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const line = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const found = /^(READY|SKIPPED) (.*)$/m.exec(output);
      if (found) resolve(found);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-8192)));
    child.on('exit', (code) => reject(new Error(`supabase server (${target}) exited ${code}: ${output.slice(-2000)}`)));
  });
  const info = JSON.parse(line[2]);
  if (line[1] === 'SKIPPED') return info;
  return { ...info, stop: () => stopChild(child) };
}
