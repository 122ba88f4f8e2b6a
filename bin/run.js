#!/usr/bin/env node
// Entry point for `kubectl-secret` (and `kubectl secret` through kubectl's plugin discovery).
// Written to parse on any Node: on a Node older than 22 it re-runs itself with the Node 24
// that `npm ci` put in node_modules (the pinned `node` dev dependency), so a checkout
// works as written on machines whose Node is 20.
import {existsSync, readFileSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const pinned = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned) || process.env.KUBECTL_SECRET_REEXEC) {
    process.stderr.write(`error: kubectl-secret needs Node.js 22 or newer (this is ${process.version}).\n` +
      'Install Node 22 or 24, or run `npm ci` in the kubectl-secret checkout to get a pinned Node.\n');
    process.exit(2);
  }
  await reexec(pinned);
} else {
  // A reader that stops early (`| head -1`) closes the pipe: end quietly, with no EPIPE, no exit 13.
  process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : Promise.reject(e)));
  process.stderr.on('error', () => {});
  // oclif's own debug output (DEBUG=*) prints argv, and argv holds flag values (--from-literal).
  if (process.env.DEBUG) process.env.DEBUG += ',-oclif*';
  // V8's compile cache (Node >= 22.1): the second run of a command skips compiling what it loads.
  (await import('node:module')).enableCompileCache?.();
  const root = join(here, '..');
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

/**
 * Runs this script under `node` and becomes a transparent wrapper around it: the signals a
 * supervisor or a terminal sends us reach the child (a `controller run` must stop when its
 * launcher is told to), and we exit with the child's status, 128+N when signal N killed it, as
 * a shell reports it.
 */
async function reexec(node) {
  // Loaded here: the usual path (Node >= 22) never spawns, and every module counts at start-up.
  const [{spawn}, {constants}] = await Promise.all([import('node:child_process'), import('node:os')]);
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {...process.env, KUBECTL_SECRET_REEXEC: '1'},
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']) {
    process.on(sig, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    });
  }
  child.on('error', (err) => {
    process.stderr.write(`error: cannot run ${node}: ${err.message}\nrun \`npm ci\` in the kubectl-secret checkout again\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : code ?? 1);
  });
}
