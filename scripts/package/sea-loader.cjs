'use strict';
// The single executable's main script (sea.mjs): runs the bundle (kubectl-secret.cjs, carried
// as a SEA asset) through vm.Script with a V8 code cache written after a training run
// (sea-train.cjs). Node's own SEA code cache (`useCodeCache`) is written by compiling the
// bundle without running it, so it holds only what V8 compiles eagerly; every function V8
// compiles lazily, when first called — the YAML parsers, the scan rules, the sealing — was
// compiled again in every run. This cache holds those too (docs/performance.md). V8 checks
// the cache against its own version, flags and the source, and compiles as before when it
// does not fit (a portable blob, for another platform's binary, carries no cache at all).
// The bundle runs only for what the fast path hands over (below); package.mjs bundles this
// file with bin/fast-loader.js, because a SEA's main script can require Node's modules only.
const vm = require('node:vm');

// The bundle is CommonJS: run as a function of the module's own variables, as Node runs a file.
const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';
const FILENAME = 'kubectl-secret.cjs';

function compile(source, cachedData) {
  return new vm.Script(HEAD + source + TAIL, {
    filename: FILENAME,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

module.exports = {compile};

const sea = require('node:sea');
if (sea.isSea()) main();

function asset(name) {
  try {
    return Buffer.from(sea.getRawAsset(name));
  } catch {
    return undefined;
  }
}

function main() {
  const argv = process.argv.slice(2);
  const completer = /^kubectl_complete-secret(\.exe)?$/i.test(require('node:path').basename(process.argv0 ?? ''));
  // The fast path first, as bin/run.js runs it for npm: the same chunks (dist/fast, carried as
  // assets), loaded on demand, each with its own code cache kept in the private compile-cache
  // directory (bin/fast-loader.js). A command then compiles and deserializes only the chunks it
  // uses, where the bundle below is 3 MB read and checked whole on every run.
  const fastMeta = asset('fast/package.json');
  if (fastMeta && !process.env.KUBECTL_SECRET_FULL_OCLIF) {
    const {loadChunks, v8Flavor} = require('../../bin/fast-loader.js');
    const {dirname, join} = require('node:path');
    const root = dirname(process.execPath);
    const pjson = JSON.parse(asset('package.json').toString('utf8'));
    const fast = loadChunks({
      buildId: JSON.parse(fastMeta.toString('utf8')).buildId,
      dir: join(root, 'dist', 'fast'),
      read: (name) => asset(`fast/${name}`).toString('latin1'),
      flavor: completer ? undefined : v8Flavor(argv),
    });
    if (completer || argv[0] === '__complete') {
      fast.complete(completer ? argv : argv.slice(1), pjson.oclif.topics).then((code) => {
        process.exitCode = code;
      });
      return;
    }
    // What the fast path does not answer exactly as oclif would (help, parse errors, DEBUG) it
    // hands over having printed nothing: then the bundle runs oclif (sea-main.mjs).
    fast.runFast(argv, {root, pjson}).then((handled) => {
      if (!handled) runBundle(argv, {oclifOnly: true});
    });
    return;
  }
  runBundle(argv, {});
}

/** The whole CLI in one bundle (sea-main.mjs): oclif, and the fast path when the blob carries no chunks. */
function runBundle(_argv, o) {
  if (o.oclifOnly) globalThis[Symbol.for('kubectl-secret.sea-oclif-only')] = true;
  const cache = asset('kubectl-secret.cache');
  // The bundle is ASCII (package.mjs checks): a Latin-1 copy is its text, without UTF-8 decoding 3 MB.
  const script = compile(asset('kubectl-secret.cjs').toString('latin1'), cache);
  if (process.env.KUBECTL_SECRET_DEBUG_CODE_CACHE) process.stderr.write(`code cache: ${cache ? (script.cachedDataRejected ? 'rejected' : `used (${cache.length} bytes)`) : 'none'}\n`);
  script.runInThisContext()(module.exports, require, module, __filename, __dirname);
}
