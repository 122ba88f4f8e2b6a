'use strict';
// `node sea-train.cjs BUNDLE CACHE CERT`, run by package.mjs with the Node the single
// executable is built from: loads the bundle as sea-loader.cjs does, runs the offline commands
// and the hook once each through the fast path (what the start-up goals measure), so that V8
// compiles the functions they call, then writes V8's code cache of the whole bundle, lazily
// compiled functions included. What the commands print is dropped; nothing of this run but
// compiled code reaches the cache (V8's code cache holds code, no values). The single
// executable runs these commands from the fast path's own chunks (sea-loader.cjs) and the
// bundle only for what they hand over to oclif; the cache still holds the bundle's top level
// and the code oclif's commands share with them.
const {execFileSync} = require('node:child_process');
const {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} = require('node:fs');
const {tmpdir} = require('node:os');
const {join} = require('node:path');
const {compile} = require('./sea-loader.cjs');

const [bundlePath, cachePath, cert] = process.argv.slice(2);
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: training-run\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/app:1.0.0\n';

/** process.stdout.write that drops what it is given, and calls back as a write does (a command may wait for its output to drain before it exits). */
function quiet(_chunk, encoding, callback) {
  const done = typeof encoding === 'function' ? encoding : callback;
  if (done) process.nextTick(done);
  return true;
}

async function main() {
  const script = compile(readFileSync(bundlePath, 'utf8'));
  const api = {};
  globalThis[Symbol.for('kubectl-secret.sea-train')] = api;
  script.runInThisContext()(module.exports, require, module, __filename, __dirname);
  const dir = mkdtempSync(join(tmpdir(), 'ks-sea-train-'));
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  const exit = process.exit;
  const cwd = process.cwd();
  try {
    writeFileSync(join(dir, 'secret.yaml'), SECRET);
    const repo = join(dir, 'repo');
    const git = (...args) => execFileSync('git', args, {cwd: repo, env: {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'}});
    mkdirSync(repo);
    git('init', '-q');
    for (let i = 0; i < 5; i++) writeFileSync(join(repo, `app-${i}.yaml`), i === 0 ? `${DEPLOYMENT}---\n${SECRET}` : DEPLOYMENT);
    git('add', '.');
    const runs = [['--version'], [], ['scan', join(dir, 'secret.yaml')], ['seal', '--cert', cert, join(dir, 'secret.yaml')], ['scan', '--staged']];
    for (const argv of runs) {
      if (argv[1] === '--staged') process.chdir(repo);
      // A run ends with process.exit (scan's findings: 1); here it ends the run, not the process.
      process.exit = (code) => { throw Object.assign(new Error('exit'), {trainingExit: code}); };
      process.stdout.write = quiet;
      process.stderr.write = quiet;
      try {
        const handled = await api.runFast(argv, {root: dir, pjson: api.pjson});
        if (!handled) throw new Error(`the fast path did not run ${argv.join(' ')}`);
      } catch (err) {
        if (err?.trainingExit === undefined || err.trainingExit > 1) throw err;
      } finally {
        process.stdout.write = write;
        process.stderr.write = writeErr;
        process.exit = exit;
        process.chdir(cwd);
      }
    }
    process.stdout.write = quiet;
    await api.complete(['restart', '--'], api.pjson.oclif.topics);
  } finally {
    process.stdout.write = write;
    rmSync(dir, {recursive: true, force: true});
  }
  process.exitCode = 0;
  writeFileSync(cachePath, script.createCachedData());
}

main().catch((err) => {
  process.stderr.write(`sea-train: ${err?.stack ?? err}\n`);
  process.exit(1);
});
