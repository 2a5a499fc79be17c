/**
 * The local stand-in servers, as `convoy dev server` loads them: bundled on
 * their own into dist/dev-server.mjs (scripts/build.mjs), so no other command
 * pays for convex-test, PGlite or the convex/ functions.
 */
export { startConvexServer, type ConvexServerOptions, type ConvexTestServer } from './convex/server.js';
export { startSupabaseServer, type SupabaseServerOptions, type SupabaseTestServer } from './supabase/server.js';
