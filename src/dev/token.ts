/**
 * Development tokens for local Convex backends (`npx convex dev --local`, the
 * test server, CI): a local RS256 key pair kept as a JWK file readable only by
 * the user, tokens signed with it, and its public half as the JWKS that
 * convex/auth.config.ts reads from CONVOY_JWT_JWKS.
 *
 * Never use these keys for a deployment other people can reach.
 */
import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** Default `iss` of dev tokens; set it as CONVOY_JWT_ISSUER on the backend. */
export const DEV_ISSUER = 'https://dev.convoy.invalid';
/** `aud` of every convoy token: the `applicationID` in convex/auth.config.ts. */
export const CONVOY_AUDIENCE = 'convoy';
export const DEV_ALGORITHM = 'RS256';
/** File name of the key pair inside the caller's key directory. */
export const DEV_KEY_FILE = 'convoy-dev-key.json';
/** Lifetime of dev tokens unless told otherwise: a week. */
export const DEV_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface DevKey {
  kid: string;
  privateJwk: JWK;
  /** Public half with `kid`, `alg` and `use`, ready for a JWKS. */
  publicJwk: JWK;
}

/**
 * The key pair in `keyDir`, created on first use (directory 0700, file 0600).
 * Safe against concurrent first calls: exactly one key is ever written and
 * every caller gets it.
 */
export async function ensureDevKey(keyDir: string): Promise<DevKey> {
  const existing = await loadDevKey(keyDir);
  if (existing !== null) return existing;
  // One generation per directory per process (RSA key generation is slow);
  // the link below settles races between processes.
  let creating = creations.get(keyDir);
  if (creating === undefined) {
    creating = createDevKey(keyDir).finally(() => creations.delete(keyDir));
    creations.set(keyDir, creating);
  }
  return await creating;
}

const creations = new Map<string, Promise<DevKey>>();

async function createDevKey(keyDir: string): Promise<DevKey> {
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const key = await generateDevKey();
  const path = join(keyDir, DEV_KEY_FILE);
  // Write the whole file privately, then link it into place: link fails if
  // another process won the race, and a reader never sees half a file.
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(tmp);
  }
  const stored = await loadDevKey(keyDir);
  if (stored === null) throw new Error(`dev key ${path} vanished while being created`);
  return stored;
}

/** The key pair in `keyDir`, or null when there is none yet. Tightens a too-open file to 0600. */
export async function loadDevKey(keyDir: string): Promise<DevKey | null> {
  const path = join(keyDir, DEV_KEY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  const key = JSON.parse(text) as Partial<DevKey>;
  if (typeof key.kid !== 'string' || key.privateJwk === undefined || key.publicJwk === undefined) {
    throw new Error(`${path} is not a convoy dev key; delete it to make a new one`);
  }
  return key as DevKey;
}

async function generateDevKey(): Promise<DevKey> {
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const publicBare = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicBare);
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALGORITHM },
    publicJwk: { ...publicBare, kid, alg: DEV_ALGORITHM, use: 'sig' },
  };
}

export interface MintOptions {
  keyDir: string;
  /** Becomes the token's `sub`: the user id every convoy function sees. */
  user: string;
  issuer?: string;
  /** Lifetime; default 7 days. Negative values mint an already expired token (tests). */
  ttlSeconds?: number;
  /** The token's `name` claim: the display name the server shows for the user (members, conflicts); default none. */
  name?: string;
}

/** Sign a token for `user` with the dev key (created if missing). */
export async function mintDevToken(options: MintOptions): Promise<string> {
  if (options.user.trim() === '') throw new Error('a dev token needs a non-empty user id');
  const key = await ensureDevKey(options.keyDir);
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT(options.name === undefined ? {} : { name: options.name })
    .setProtectedHeader({ alg: DEV_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(options.user)
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(CONVOY_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS))
    .sign(await importJWK(key.privateJwk, DEV_ALGORITHM));
}

/** The public JWKS of the dev key (created if missing). */
export async function devJwks(keyDir: string): Promise<{ keys: JWK[] }> {
  return { keys: [(await ensureDevKey(keyDir)).publicJwk] };
}

/**
 * The dev JWKS as a `data:` URL, to set as CONVOY_JWT_JWKS on a local backend
 * (`npx convex env set CONVOY_JWT_JWKS "$(…)"`): Convex accepts a data URL
 * where it would otherwise fetch the key set over HTTP.
 */
export async function jwksDataUrl(keyDir: string): Promise<string> {
  const json = JSON.stringify(await devJwks(keyDir));
  return `data:text/plain;charset=utf-8;base64,${Buffer.from(json, 'utf8').toString('base64')}`;
}
