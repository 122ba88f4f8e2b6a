'use strict';
// The single executable's main script (sea.mjs): runs the bundle (kubectl-secret.cjs, carried
// as a SEA asset) through vm.Script with a V8 code cache written after a training run
// (sea-train.cjs). Node's own SEA code cache (`useCodeCache`) is written by compiling the
// bundle without running it, so it holds only what V8 compiles eagerly; every function V8
// compiles lazily, when first called — the YAML parsers, the scan rules, the sealing — was
// compiled again in every run. This cache holds those too (docs/performance.md). V8 checks
// the cache against its own version, flags and the source, and compiles as before when it
// does not fit (a portable blob, for another platform's binary, carries no cache at all).
// No file is read or written: the bundle and its cache are inside the executable.
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
if (sea.isSea()) {
  // --version, the overview and completion call little of the bundle: a cache trained on them
  // alone is smaller, and V8 reads a code cache whole before anything runs.
  const argv = process.argv.slice(2);
  const completer = /^kubectl_complete-secret(\.exe)?$/i.test(require('node:path').basename(process.argv0 ?? ''));
  const light = completer || argv.length === 0 || argv[0] === '--version' || argv[0] === '__complete';
  const cache = (() => {
    try {
      return Buffer.from(sea.getRawAsset(light ? 'kubectl-secret.light.cache' : 'kubectl-secret.cache'));
    } catch {
      return undefined;
    }
  })();
  // The bundle is ASCII (package.mjs checks): a Latin-1 copy is its text, without UTF-8 decoding 3 MB.
  const script = compile(Buffer.from(sea.getRawAsset('kubectl-secret.cjs')).toString('latin1'), cache);
  if (process.env.KUBECTL_SECRET_DEBUG_CODE_CACHE) process.stderr.write(`code cache: ${cache ? (script.cachedDataRejected ? 'rejected' : `used (${cache.length} bytes)`) : 'none'}\n`);
  script.runInThisContext()(module.exports, require, module, __filename, __dirname);
}
