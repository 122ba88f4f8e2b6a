#!/usr/bin/env node
// Entry point for `kubectl-secret` (and `kubectl secret` through kubectl's plugin discovery).
// On a Node older than 22 it re-runs itself with the pinned Node 24 (bin/pinned-node.js).
import {existsSync, readFileSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {enableCompileCache} from './compile-cache.js';
import {onSupportedNode} from './pinned-node.js';

if (await onSupportedNode(import.meta.url)) {
  // A reader that stops early (`| head -1`) closes the pipe: end quietly, with no EPIPE, no exit 13.
  process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));
  process.stderr.on('error', () => {});
  // oclif's own debug output (DEBUG=*) prints argv, and argv holds flag values (--from-literal).
  if (process.env.DEBUG) process.env.DEBUG += ',-oclif*';
  // V8's compile cache (Node >= 22.1): the second run of a command skips compiling what it loads.
  enableCompileCache(await import('node:module'));
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
    const {flush, handle, run} = await import('@oclif/core');
    try {
      await run(process.argv.slice(2), import.meta.url);
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
