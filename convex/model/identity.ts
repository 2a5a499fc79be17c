/** Who is calling: every convoy function is per user. */
import { ConvexError } from 'convex/values';
import type { Auth } from 'convex/server';

/**
 * The caller's user id: the verified token's `subject`. Throws
 * `ConvexError({code: 'unauthenticated'})` when the call carries no (valid)
 * identity, so clients can tell "sign in" from every other failure.
 */
export async function requireUser(ctx: { auth: Auth }): Promise<string> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw new ConvexError({
      code: 'unauthenticated',
      message: 'no identity: call with a valid token (convoy config set convex.token, or CONVOY_CONVEX_TOKEN)',
    });
  }
  return identity.subject;
}
