#!/usr/bin/env node
// Entry point for `kubectl-secret` (and `kubectl secret` through kubectl's plugin discovery).
// On a Node older than 22 it re-runs itself with the pinned Node 24 (bin/pinned-node.js).
import {existsSync, readFileSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {onSupportedNode} from './pinned-node.js';

if (await onSupportedNode(import.meta.url)) {
  // A reader that stops early (`| head -1`) closes the pipe: end quietly, with no EPIPE, no exit 13.
  process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));
  process.stderr.on('error', () => {});
  // oclif's own debug output (DEBUG=*) prints argv, and argv holds flag values (--from-literal).
  if (process.env.DEBUG) process.env.DEBUG += ',-oclif*';
  // V8's compile cache (Node >= 22.1): the second run of a command skips compiling what it loads.
  (await import('node:module')).enableCompileCache?.();
  const root = join(dirname(realpathSync(fileURLToPath(import.meta.url))), '..');
  const fast = join(root, 'dist', 'fast', 'main.js');
  let handled = false;
  // The fast path runs the same command classes without loading oclif, and hands anything it
  // does not answer exactly as oclif would (help, parse errors, plugins) to oclif below.
  if (!process.env.KUBECTL_SECRET_FULL_OCLIF && existsSync(fast)) {
    const {runFast} = await import(pathToFileURL(fast).href);
    handled = await runFast(process.argv.slice(2), {root, pjson: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))});
  }
  if (!handled) {
    const {execute} = await import('@oclif/core');
    await execute({dir: import.meta.url});
  }
}
