#!/usr/bin/env node
// Entry point for `kubectl-secret` (and `kubectl secret` through kubectl's plugin discovery).
// Written to parse on any Node: on a Node older than 22 it re-runs itself with the Node 24
// that `npm ci` put in node_modules (the pinned `node` dev dependency), so a checkout
// works as written on machines whose Node is 20.
import {spawnSync} from 'node:child_process';
import {existsSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const pinned = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned) || process.env.KUBECTL_SECRET_REEXEC) {
    process.stderr.write(`error: kubectl-secret needs Node.js 22 or newer (this is ${process.version}).\n` +
      'Install Node 22 or 24, or run `npm ci` in the kubectl-secret checkout to get a pinned Node.\n');
    process.exit(2);
  }
  const res = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {...process.env, KUBECTL_SECRET_REEXEC: '1'},
  });
  if (res.signal) process.kill(process.pid, res.signal);
  process.exit(res.status ?? 1);
} else {
  // A reader that stops early (`| head -1`) closes the pipe: end quietly, with no EPIPE, no exit 13.
  process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));
  process.stderr.on('error', () => {});
  // oclif's own debug output (DEBUG=*) prints argv, and argv holds flag values (--from-literal).
  if (process.env.DEBUG) process.env.DEBUG += ',-oclif*';
  const {execute} = await import('@oclif/core');
  await execute({dir: import.meta.url});
}
