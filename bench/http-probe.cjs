// Preloaded (`node --require bench/http-probe.cjs …`) into a program whose
// HTTP traffic the bench measures, the built convoy CLI included: it counts
// requests made through Node's fetch (undici) or node:http (the backends'
// http-fetch.ts) and the bytes written to and read from their sockets
// (headers and bodies: what crossed the wire), using undici's and Node's
// diagnostics channels, so nothing in the program is wrapped or changed. At exit it writes its totals as JSON to the file named by
// CONVOY_BENCH_HTTP_PROBE (a file, not a pipe: the bench's runTimed already
// gives fd 3 to the rusage probe); does nothing when that is unset.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */
const diagnostics = require('node:diagnostics_channel');
const fs = require('node:fs');

const out = process.env.CONVOY_BENCH_HTTP_PROBE;
const totals = { requests: 0, connections: 0, bytesSent: 0, bytesReceived: 0 };
const open = new Set();

// Subscribed for the process's lifetime: the handlers must stay referenced.
const onRequest = () => totals.requests++;
const onConnected = ({ socket }) => {
  if (open.has(socket)) return; // undici's sockets are node:net's too: seen by both channels
  totals.connections++;
  open.add(socket);
  // A closed socket's counters are final: fold them in and forget it.
  socket.once('close', () => {
    if (!open.delete(socket)) return;
    totals.bytesSent += socket.bytesWritten;
    totals.bytesReceived += socket.bytesRead;
  });
};
if (out) {
  diagnostics.subscribe('undici:request:create', onRequest);
  diagnostics.subscribe('undici:client:connected', onConnected);
  diagnostics.subscribe('http.client.request.start', onRequest);
  // Every TCP client socket node:net opens (node:http's included; undici's are counted above).
  diagnostics.subscribe('net.client.socket', ({ socket }) => onConnected({ socket }));
  process.on('exit', writeTotals);
}

function writeTotals() {
  const result = { ...totals };
  for (const socket of open) {
    result.bytesSent += socket.bytesWritten;
    result.bytesReceived += socket.bytesRead;
  }
  fs.writeFileSync(out, JSON.stringify(result));
}
