// Preloaded (`node --require bench/rusage-probe.cjs …`) into every program the
// bench times, convoy and floor alike: at exit it writes the process's own CPU
// time and peak RSS to fd 3 (a pipe the bench opens), microsecond-precise where
// /proc's children times tick in 10 ms. Silent when fd 3 is not open.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const fs = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  try {
    fs.writeSync(3, JSON.stringify({ userUs: usage.userCPUTime, sysUs: usage.systemCPUTime, maxRssKb: usage.maxRSS }));
  } catch {
    // fd 3 not open: run outside the bench.
  }
});
