#!/usr/bin/env node
// Entry point for `kubectl-secret` (and `kubectl secret` through kubectl's plugin discovery).
// On a Node older than 22.3 it re-runs itself with the pinned Node 24 (bin/pinned-node.js).
// CommonJS (bin/package.json): Node starts it ~15 ms sooner than the same as an ES module.
'use strict';
const {existsSync, readFileSync, realpathSync} = require('node:fs');
const {dirname, join} = require('node:path');
const {pathToFileURL} = require('node:url');
const {enableCompileCache} = require('./compile-cache.js');
const {loadFast, v8Flavor} = require('./fast-loader.js');
const {onSupportedNode} = require('./pinned-node.js');

async function main() {
  // oclif's own debug output (DEBUG=*) prints argv, and argv holds flag values (--from-literal).
  if (process.env.DEBUG) process.env.DEBUG += ',-oclif*';
  const root = join(dirname(realpathSync(__filename)), '..');
  const fast = join(root, 'dist', 'fast', 'main.js');
  let handled = false;
  // The fast path runs the same command classes without loading oclif, and hands anything it
  // does not answer exactly as oclif would (help, parse errors, plugins) to oclif below. It
  // brings its own code cache (bin/fast-loader.js).
  if (!process.env.KUBECTL_SECRET_FULL_OCLIF && existsSync(fast)) {
    const {runFast} = loadFast(root, 'main.js', v8Flavor(process.argv.slice(2)));
    handled = await runFast(process.argv.slice(2), {root, pjson: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))});
  }
  if (!handled) {
    // A reader that stops early (`| head -1`) closes the pipe: end quietly, with no EPIPE, no exit 13.
    // (The fast path writes without these streams, src/io/stdio.ts, and answers EPIPE the same way.)
    process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));
    process.stderr.on('error', () => {});
    // V8's compile cache (Node >= 22.1) for oclif and the modules it loads from dist/ and node_modules.
    enableCompileCache();
    const {flush, handle, run} = await import('@oclif/core');
    try {
      // The package root, not this file: oclif takes the nearest package.json, and bin/ has its own.
      await run(process.argv.slice(2), root);
      await flush();
    } catch (error) {
      // Our commands print their own failures in kubectl's shape and end in an ExitError
      // (EEXIT). A plugin's command (autocomplete) fails in oclif's shape ("›   Error: …" and
      // "See more help with --help"): say its first line in kubectl's, with its exit status.
      const exit = error?.oclif?.exit;
      if (exit !== undefined && error.code !== 'EEXIT' && typeof error.message === 'string' && !process.env.DEBUG) {
        const {formatError} = await import(pathToFileURL(join(root, 'dist', 'commands', '_errors.js')).href);
        const command = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
        process.stderr.write(formatError(error.message.split('\n')[0], `See 'kubectl secret ${command} --help' for usage`));
        process.exitCode = exit;
      } else {
        await handle(error);
      }
    }
  }
}

if (onSupportedNode(__filename)) main();
