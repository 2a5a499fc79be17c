/**
 * Bearer-token checks as a Convex deployment with convoy's auth.config.ts
 * does them: the token must name the configured issuer and the "convoy"
 * audience (else no provider matches), and be signed by the JWKS key and
 * unexpired (else it is refused). Refusals are HTTP 401 with Convex's codes
 * and messages; the function never runs.
 */
import type { UserIdentity } from 'convex/server';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { CONVOY_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, devJwks } from '../../token.js';

export type AuthOutcome =
  | { ok: true; identity: UserIdentity | null }
  | { ok: false; status: 401; body: { code: string; message: string } };

const refuse = (code: string, message: string): AuthOutcome => ({ ok: false, status: 401, body: { code, message } });

export class TokenVerifier {
  /** Verified tokens until they expire: RSA verification costs more than a small call. */
  private readonly verified = new Map<string, { identity: UserIdentity; exp: number }>();

  private constructor(
    private readonly jwks: ReturnType<typeof createLocalJWKSet>,
    private readonly issuer: string,
  ) {}

  /** A verifier trusting the dev key in `keyDir` (created if missing). */
  static async create(keyDir: string, issuer = DEV_ISSUER): Promise<TokenVerifier> {
    return new TokenVerifier(createLocalJWKSet(await devJwks(keyDir)), issuer);
  }

  /** The identity of an `Authorization` header value; no header means anonymous. */
  async identify(header: string | undefined): Promise<AuthOutcome> {
    if (header === undefined || header === '') return { ok: true, identity: null };
    const [scheme, token = ''] = header.split(' ', 2);
    if (scheme === 'Convex') return refuse('BadAdminKey', 'The provided admin key was invalid for this instance');
    if (scheme !== 'Bearer') return refuse('InvalidAuthHeader', 'Authorization header must be "Bearer <token>"');
    const known = this.verified.get(token);
    if (known !== undefined && known.exp > Date.now() / 1000) return { ok: true, identity: known.identity };
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      return refuse('InvalidAuthHeader', 'Could not parse JWT payload. Check that the token is a valid JWT.');
    }
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
    if (claims.iss !== this.issuer || !audiences.includes(CONVOY_AUDIENCE)) {
      return refuse(
        'NoAuthProvider',
        "No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your " +
          `configured providers: [CustomJWT(issuer=${this.issuer}, app_id=${CONVOY_AUDIENCE})]`,
      );
    }
    try {
      const { payload } = await jwtVerify(token, this.jwks, { algorithms: [DEV_ALGORITHM], issuer: this.issuer, requiredClaims: ['exp'] });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject');
      const issuer = this.issuer;
      const identity: UserIdentity = {
        subject: payload.sub,
        issuer,
        tokenIdentifier: `${issuer}|${payload.sub}`,
        // The profile claims Convex passes on (the display name convoy remembers).
        ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
        ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      };
      this.verified.set(token, { identity, exp: payload.exp! });
      return { ok: true, identity };
    } catch {
      return refuse(
        'Unauthenticated',
        "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.",
      );
    }
  }
}
