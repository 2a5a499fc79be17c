/** Who is calling: every convoy function acts for the token's user. */
import { ConvexError } from 'convex/values';
import type { Auth } from 'convex/server';
import type { Identity } from '../../src/schema/protocol.js';

/**
 * The caller: the verified token's `subject`, and its `name` claim, else its
 * `email`, as a display name (null when it has neither). Throws
 * `ConvexError({code: 'unauthenticated'})` when the call carries no (valid)
 * identity, so clients can tell "sign in" from every other failure.
 */
export async function requireIdentity(ctx: { auth: Auth }): Promise<Identity> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw new ConvexError({
      code: 'unauthenticated',
      message: 'no identity: call with a valid token (convoy config set convex.token, or CONVOY_CONVEX_TOKEN)',
    });
  }
  const name = identity.name ?? identity.email;
  return { userId: identity.subject, name: typeof name === 'string' && name !== '' ? name : null };
}
