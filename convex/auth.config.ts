/**
 * Who may call convoy's functions: holders of an RS256 JWT with audience
 * "convoy", signed by the key in CONVOY_JWT_JWKS and issued by
 * CONVOY_JWT_ISSUER (both deployment environment variables:
 * `npx convex env set CONVOY_JWT_ISSUER …`).
 *
 * For `npx convex dev --local` and CI, `src/dev/token.ts` keeps a local key
 * pair and gives both values: the issuer is https://dev.convoy.invalid and
 * the JWKS is a `data:` URL (`data:text/plain;charset=utf-8;base64,…`, from
 * `convoy dev token --jwks`), so the backend needs no HTTP endpoint to fetch
 * keys from; `convoy dev token --user <id>` mints the tokens.
 */
import type { AuthConfig } from 'convex/server';

// No fallback values: when a variable is unset, the deploy stops with Convex's
// own message naming it, instead of accepting tokens for an empty issuer.

export default {
  providers: [
    {
      type: 'customJwt',
      applicationID: 'convoy',
      issuer: process.env.CONVOY_JWT_ISSUER as string,
      jwks: process.env.CONVOY_JWT_JWKS as string,
      algorithm: 'RS256',
    },
  ],
} satisfies AuthConfig;
