/**
 * Diagnostic for a test run that does not end by itself (.mocharc.json has "exit": true to hide
 * one): once every test has run, waits 8 s; if the process is still alive then, writes each handle
 * that keeps it alive (servers, sockets, child processes, timers) with the stack that created it,
 * to $OPEN_HANDLES_OUT (default test-artifacts/open-handles.txt), and exits 99. A run that ends by
 * itself is unaffected (the timer is unref'd).
 *
 *   npx mocha --no-exit --require test/open-handles.cjs [files]
 *
 * Used on 2026-12-01: every test outside test/e2e in one process (1,306 tests) and each test/e2e
 * file alone ended by themselves.
 */
const { createHook } = require('node:async_hooks');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, resolve } = require('node:path');

const IGNORED = new Set(['PROMISE', 'TickObject', 'Microtask', 'RANDOMBYTESREQUEST', 'FSREQCALLBACK']);
const created = new WeakMap();
createHook({
  init(_id, type, _trigger, resource) {
    if (IGNORED.has(type)) return;
    const stack = (new Error().stack ?? '').split('\n').slice(2).filter((l) => !l.includes('open-handles.cjs')).slice(0, 14);
    created.set(resource, `${type}\n${stack.join('\n')}`);
  },
}).enable();

function describeHandle(h) {
  const name = h?.constructor?.name ?? typeof h;
  let what = '';
  if (name === 'Socket') what = `${h.localAddress}:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}`;
  else if (name === 'Server') what = JSON.stringify(h.address());
  else if (name === 'ChildProcess') what = (h.spawnargs ?? []).join(' ');
  else if (name === 'Timeout') what = `${h._idleTimeout} ms${h._repeat ? ', repeating' : ''}: ${String(h._onTimeout).slice(0, 200)}`;
  return `=== ${name} ${what}\n${created.get(h) ?? created.get(h?._handle) ?? '(created before the hook)'}`;
}

exports.mochaHooks = {
  afterAll() {
    setTimeout(() => {
      const out = resolve(process.env.OPEN_HANDLES_OUT ?? 'test-artifacts/open-handles.txt');
      mkdirSync(dirname(out), { recursive: true });
      const handles = process._getActiveHandles().filter((h) => h !== process.stdout && h !== process.stderr && h !== process.stdin);
      writeFileSync(out, `${handles.map(describeHandle).join('\n')}\n`);
      console.error(`open handles kept the run alive: see ${out}`);
      process.exit(99);
    }, 8000).unref();
  },
};
