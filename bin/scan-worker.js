// Entry of a scan worker thread (src/scan/parallel.ts starts it for a large `scan PATH`). It runs
// the same code the command runs: from the bundle with the per-chunk code cache when bin/run.js
// would (bin/fast-loader.js), else from dist/src. CommonJS, as everything in bin/ (bin/package.json).
'use strict';
const {existsSync} = require('node:fs');
const {join} = require('node:path');
const {pathToFileURL} = require('node:url');
const {loadFast, v8Flavor} = require('./fast-loader.js');

const root = join(__dirname, '..');
if (!process.env.KUBECTL_SECRET_FULL_OCLIF && existsSync(join(root, 'dist', 'fast', 'scan-worker.js'))) loadFast(root, 'scan-worker.js', v8Flavor(process.argv.slice(2)));
else import(pathToFileURL(join(root, 'dist', 'src', 'scan', 'parallel-worker.js')).href);
