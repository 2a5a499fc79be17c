/**
 * The project's convex/ modules as convex-test wants them ("convex/<path>" ->
 * loader; _generated tells it where the root is), written out statically so
 * that the bundler (scripts/build.mjs) carries the functions into
 * dist/dev-server.mjs: the installed package has no TypeScript loader.
 * test/dev/servers/convex/modules.test.ts checks every function file of
 * convex/ is listed.
 */
export type Modules = Record<string, () => Promise<Record<string, unknown>>>;

export const CONVEX_MODULES: Modules = {
  'convex/_generated/api.js': () => import('../../../../convex/_generated/api.js'),
  'convex/_generated/server.js': () => import('../../../../convex/_generated/server.js'),
  'convex/auth.config.ts': () => import('../../../../convex/auth.config.js'),
  'convex/migrations.ts': () => import('../../../../convex/migrations.js'),
  'convex/schema.ts': () => import('../../../../convex/schema.js'),
  'convex/push.ts': () => import('../../../../convex/push.js'),
  'convex/pull.ts': () => import('../../../../convex/pull.js'),
  'convex/web.ts': () => import('../../../../convex/web.js'),
  'convex/workspaces.ts': () => import('../../../../convex/workspaces.js'),
};
