// Shared by bin/run.js and bin/kubectl_complete-secret: both must run on the Node the plugin
// supports, whatever `node` is first on PATH (their shebang is `/usr/bin/env node`). Written to
// parse on any Node: on a Node older than 22.3 the caller's script is re-run with the Node 24
// that `npm ci` put in node_modules (the pinned `node` dev dependency), so a checkout works as
// written on machines whose Node is 20.
'use strict';
const {existsSync, realpathSync} = require('node:fs');
const {dirname, join} = require('node:path');

// process.getBuiltinModule (src/io/stdio.ts) came in 22.3.
const MIN = [22, 3];

/**
 * True when this Node can run the plugin. Otherwise re-runs `script` (the caller's
 * __filename) under the pinned Node and returns false: the caller does nothing more, and
 * this process exits with the child's status once it ends.
 */
function onSupportedNode(script) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > MIN[0] || (major === MIN[0] && minor >= MIN[1])) return true;
  const file = realpathSync(script);
  const pinned = join(dirname(file), '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned) || process.env.KUBECTL_SECRET_REEXEC) {
    process.stderr.write(`error: kubectl-secret needs Node.js ${MIN.join('.')} or newer (this is ${process.version}).\n` +
      'Install Node 22 (22.3 or later) or 24, or run `npm ci` in the kubectl-secret checkout to get a pinned Node.\n');
    process.exit(2);
  }
  reexec(pinned, file);
  return false;
}

/**
 * Runs `file` under `node` and becomes a transparent wrapper around it: the signals a
 * supervisor or a terminal sends us reach the child (a `controller run` must stop when its
 * launcher is told to), and we exit with the child's status, 128+N when signal N killed it, as
 * a shell reports it.
 */
function reexec(node, file) {
  // Loaded here: the usual path (Node >= 22) never spawns, and every module counts at start-up.
  const {spawn} = require('node:child_process');
  const {constants} = require('node:os');
  const child = spawn(node, [file, ...process.argv.slice(2)], {
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

module.exports = {onSupportedNode};
