/**
 * Keys and tokens of the local Supabase server, as a Supabase project has
 * them: an HS256 JWT secret; anon and service_role API keys (JWTs signed with
 * it); user access tokens with Supabase's claims (sub = the user's UUID,
 * role "authenticated", aud "authenticated"); rotating refresh tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** The Supabase CLI's default local JWT secret. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
/** The `iss` of access tokens (GoTrue's URL); not checked by PostgREST. */
export const LOCAL_AUTH_ISSUER = 'http://127.0.0.1/auth/v1';
/** Fixed claims, so the same secret always gives the same API keys (they survive restarts). */
const API_KEY_IAT = 1_641_769_200;
const API_KEY_EXP = 2_000_000_000;

/** A test user's stable UUID, derived from its name (so tokens survive restarts). */
export function userIdFor(user: string): string {
  const h = createHash('sha256').update(`convoy-test-user:${user}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type Verified = { ok: true; claims: JWTPayload } | { ok: false; message: string };

export class Keys {
  readonly #secret: Uint8Array;
  /** refresh token -> user name; a used token is gone (rotation). */
  readonly #refreshTokens = new Map<string, string>();

  private constructor(
    secret: string,
    readonly issuer: string,
    readonly anonKey: string,
    readonly serviceKey: string,
  ) {
    this.#secret = new TextEncoder().encode(secret);
  }

  static async create(secret: string, issuer: string): Promise<Keys> {
    const key = new TextEncoder().encode(secret);
    const apiKey = (role: string) =>
      new SignJWT({ role }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('supabase-demo').setIssuedAt(API_KEY_IAT).setExpirationTime(API_KEY_EXP).sign(key);
    return new Keys(secret, issuer, await apiKey('anon'), await apiKey('service_role'));
  }

  /** An access token for `user` (with a `name` claim when given); a negative ttl gives an expired one. */
  async accessToken(user: string, ttlSeconds = 3600, name?: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { role: 'authenticated', email: `${user}@example.test`, ...(name === undefined ? {} : { name }), aal: 'aal1', is_anonymous: false };
    return new SignJWT({ ...claims, session_id: randomBytes(8).toString('hex') })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userIdFor(user))
      .setAudience('authenticated')
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(this.#secret);
  }

  /** A new refresh token for `user`. */
  refreshToken(user: string): string {
    const token = randomBytes(12).toString('base64url');
    this.#refreshTokens.set(token, user);
    return token;
  }

  /** Spend a refresh token: the user it was issued to, or null when unknown or already used. */
  spendRefreshToken(token: string): string | null {
    const user = this.#refreshTokens.get(token) ?? null;
    this.#refreshTokens.delete(token);
    return user;
  }

  /** Verify a JWT as PostgREST does (HS256 with the project secret, exp checked). */
  async verify(token: string): Promise<Verified> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, { algorithms: ['HS256'] });
      return { ok: true, claims: payload };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, message: 'JWT expired' };
      if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, message: 'JWSError JWSInvalidSignature' };
      return { ok: false, message: `JWSError (CompactDecodeError ${(error as Error).message})` };
    }
  }
}
