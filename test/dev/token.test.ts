import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONVOY_AUDIENCE, DEV_ISSUER, DEV_KEY_FILE, ensureDevKey, jwksDataUrl, mintDevToken } from '../../src/dev/token.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convoy-token-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('dev tokens', () => {
  it('keeps one private key file, readable only by the user, even under concurrent first use', async () => {
    const keyDir = join(dir, 'keys');
    const keys = await Promise.all(Array.from({ length: 5 }, () => ensureDevKey(keyDir)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect((await stat(join(keyDir, DEV_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
  });

  it('mints tokens that verify against the data: URL JWKS', async () => {
    const token = await mintDevToken({ keyDir: dir, user: 'dev', ttlSeconds: 60 });
    const url = await jwksDataUrl(dir);
    expect(url).toMatch(/^data:text\/plain;charset=utf-8;base64,/);
    const jwks = JSON.parse(Buffer.from(url.split(',')[1]!, 'base64').toString('utf8')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
      issuer: DEV_ISSUER,
      audience: CONVOY_AUDIENCE,
    });
    expect(payload.sub).toBe('dev');
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]!.kid });
  });

  it('refuses an empty user id', async () => {
    await expect(mintDevToken({ keyDir: dir, user: ' ' })).rejects.toThrow(/non-empty/);
  });
});
