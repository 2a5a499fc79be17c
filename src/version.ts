/**
 * convoy's version: package.json's, put in at build time by scripts/build.mjs
 * (esbuild `define`). Running from source (tests) says so.
 */
declare const __CONVOY_VERSION__: string | undefined;

export const VERSION: string = typeof __CONVOY_VERSION__ === 'string' ? __CONVOY_VERSION__ : '0.0.0-source';
