#!/usr/bin/env node
// Loads dist/main.cjs with a V8 code cache: compiling the bundle is a large
// share of `convoy add`'s startup, and Node 20 has no built-in compile cache.
// V8 only checks a cache against the source's length, so the cache file is
// keyed by the bundle's size and mtime and the Node version: a rebuilt bundle
// never runs stale compiled code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const vm = require('node:vm');
const Module = require('node:module');

const filename = path.join(__dirname, '..', 'dist', 'main.cjs');
const dir = path.dirname(filename);
const stat = fs.statSync(filename);
const key = `${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}`;
const cacheFiles = [`${filename}.${key}.cache`, path.join(os.tmpdir(), `convoy-${process.getuid?.() ?? 'u'}-main.${key}.cache`)];
let cachedData;
for (const file of cacheFiles) {
  try {
    cachedData = fs.readFileSync(file);
    break;
  } catch {
    // No cache there yet: try the next place, or compile from source.
  }
}
const script = new vm.Script(Module.wrap(fs.readFileSync(filename, 'utf8')), { filename, cachedData });
// A vm script has no loader for import(); heavy ESM packages load through this.
globalThis.__convoyImport = (specifier) => import(specifier);
if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => {
    const data = script.createCachedData();
    for (const file of cacheFiles) {
      try {
        fs.writeFileSync(`${file}.${process.pid}`, data);
        fs.renameSync(`${file}.${process.pid}`, file);
        return;
      } catch {
        // Not writable (e.g. a global install): try the next place.
      }
    }
  });
}
const mod = new Module(filename, module);
mod.filename = filename;
mod.paths = Module._nodeModulePaths(dir);
script.runInThisContext()(mod.exports, (id) => mod.require(id), mod, filename, dir);
