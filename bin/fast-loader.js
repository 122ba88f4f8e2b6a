// Loads the fast path's bundle (dist/fast, scripts/build.mjs) with a V8 code cache per chunk,
// kept in the private compile-cache directory (bin/compile-cache.js).
//
// Why not Node's own compile cache: for an ES module Node writes the cache right after compiling
// it, before it runs, so the cache holds only what V8 compiles eagerly: the module's top level.
// Every function V8 compiles lazily, when first called (the YAML readers, the scan rules, the
// sealing), was compiled again in every run: most of a command's start-up (docs/performance.md).
// So the build writes each chunk as a CommonJS function body, and this loader runs it through
// vm.Script; when a chunk had no usable cache, the cache is made at exit, after the command ran,
// with every function the run compiled. Loading chunks by name, with no module resolution, is
// also cheaper than Node's ES module loader. The single executable runs the same chunks through
// this loader, read from its assets (scripts/package/sea-loader.cjs).
//
// V8 checks a cache against its own version, flags and the source's length, not the source's
// text: the directory is named after the bundle's build id (a hash of every chunk) and Node's
// version, so another build's cache is never offered, and when a new directory is made, only the
// caches of the few builds used last are kept.
'use strict';
const {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} = require('node:fs');
const {dirname, join, posix} = require('node:path');
const vm = require('node:vm');
const {compileCacheDir} = require('./compile-cache.js');

const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';
const KEEP_BUILDS = 4;

/**
 * The exports of dist/fast/ENTRY under `root` (main.js; scan-worker.js in a scan's worker
 * threads), its chunks loaded on demand from then on.
 * KUBECTL_SECRET_DEBUG_CODE_CACHE=1 says on stderr, for each chunk, whether a cache was used.
 */
function loadFast(root, entry = 'main.js', flavor = undefined) {
  const fast = join(root, 'dist', 'fast');
  const {buildId} = JSON.parse(readFileSync(join(fast, 'package.json'), 'utf8'));
  // The chunks are ASCII (scripts/build.mjs checks). Read as UTF-8, Node reads and decodes a
  // file in one native call (readFileUtf8); as Latin-1 it goes through a Buffer in JavaScript,
  // twice the CPU for seal's 31 chunks (0.8 against 1.6 ms, measured).
  return loadChunks({buildId, dir: fast, entry, flavor, read: (name) => readFileSync(join(fast, name), 'utf8')});
}

/**
 * V8 flags for the command `argv` runs, set before any of its code is compiled; returns the
 * name of the code cache flavour they need, since V8 rejects a cache made under other flags.
 *
 * `scan` runs without TurboFan (Maglev still optimises hot code): a scan is a short burst over
 * much text, and TurboFan's optimising compiles on a background thread cost more CPU than they
 * save before the process ends — 18% less CPU over the benchmark corpus, 27% over 42 MB
 * (docs/performance.md). Commands that run long (the controller, audit) keep it. A scan's
 * worker threads see the same argv (a worker inherits it) and so the same flavour.
 */
function v8Flavor(argv) {
  if (argv[0] !== 'scan') return undefined;
  require('node:v8').setFlagsFromString('--no-turbofan');
  return 'no-turbofan';
}

/**
 * The same bundle from any store: `read(name)` gives the text of `entry` or `chunks/….js`
 * (the single executable reads them from its assets, scripts/package/sea-loader.cjs), and `dir`
 * is where the chunks say they are (their __filename and __dirname).
 */
function loadChunks({buildId, dir: fast, read, entry = 'main.js', flavor = undefined}) {
  const debug = Boolean(process.env.KUBECTL_SECRET_DEBUG_CODE_CACHE);
  const base = buildId ? compileCacheDir() : undefined;
  const cacheDir = base && join(base, `fast-${buildId}-${process.version}-${process.arch}${flavor ? `-${flavor}` : ''}`);
  const modules = new Map();
  const toWrite = [];

  const load = (name) => {
    let m = modules.get(name);
    if (m) return m.exports;
    m = {exports: {}};
    modules.set(name, m);
    const cacheFile = cacheDir && join(cacheDir, `${name.replace(/\//g, '_')}.cache`);
    let cachedData;
    try {
      if (cacheFile) cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet: compiled from source, and the cache written at exit.
    }
    const file = join(fast, name);
    const script = new vm.Script(HEAD + read(name) + TAIL, {filename: file, cachedData});
    if (cacheFile && (!cachedData || script.cachedDataRejected)) toWrite.push({script, cacheFile});
    if (debug) process.stderr.write(`code cache: dist/fast/${name} ${cachedData ? (script.cachedDataRejected ? 'rejected' : `used (${cachedData.length} bytes)`) : 'none'}\n`);
    const at = posix.dirname(name);
    // Chunks require each other by relative path (names are always /-separated), and Node's own modules: everything else is in the bundle.
    const requireChunk = (id) => (id.startsWith('./') || id.startsWith('../') ? load(posix.join(at, id)) : require(id));
    script.runInThisContext()(m.exports, requireChunk, m, file, dirname(file));
    return m.exports;
  };

  if (cacheDir) process.on('exit', () => writeCaches(base, cacheDir, toWrite));
  return load(entry);
}

/** At exit: what the run compiled, written where the next run looks; never a half-written file under the final name. */
function writeCaches(base, cacheDir, toWrite) {
  if (toWrite.length === 0) return;
  try {
    try {
      mkdirSync(cacheDir, {mode: 0o700});
      // A new build or Node. Caches of the builds used last are kept (a global install and a
      // checkout may take turns); older ones are of no use any more.
      const others = readdirSync(base).filter((e) => e.startsWith('fast-') && join(base, e) !== cacheDir)
        .map((e) => ({dir: join(base, e), used: statSync(join(base, e)).mtimeMs}))
        .sort((a, b) => b.used - a.used);
      for (const {dir} of others.slice(KEEP_BUILDS - 1)) rmSync(dir, {recursive: true, force: true});
    } catch (e) {
      if (e.code !== 'EEXIST') return;
    }
    for (const {script, cacheFile} of toWrite) {
      // The thread too: a scan's worker threads share the process id and write at their own exit.
      const tmp = `${cacheFile}.${process.pid}.${require('node:worker_threads').threadId}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData(), {flag: 'wx', mode: 0o600});
        renameSync(tmp, cacheFile);
      } catch (e) {
        rmSync(tmp, {force: true});
        throw e;
      }
    }
  } catch {
    // A cache is an optimisation: a full disk or a race with another run costs speed, never the command.
  }
}

module.exports = {loadChunks, loadFast, v8Flavor};
