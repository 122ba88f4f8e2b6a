#!/usr/bin/env node
// `npm run build`, second step (after tsc): bundles the fast path that bin/run.js and
// bin/kubectl_complete-secret load first (src/cli/fast.ts) into dist/fast/.
//
// - By entry point, not by file list: whatever commands/ and src/ grow, esbuild follows the
//   imports from src/cli/fast.js (the command registry and, through each command's
//   `await import('../src/…')`, its domain code).
// - Code-split: every dynamic import becomes its own chunk, so a command loads only the code
//   and the parts of its dependencies it uses (tree-shaken, one file each instead of hundreds).
// - commands/ is compiled against src/cli/oclif-lite.js instead of @oclif/core, which is not in
//   the bundle at all; oclif is loaded (from node_modules, with dist/commands) only when the
//   fast path hands an argv over.
//
// dist/fast/meta.json is esbuild's metafile: test/e2e/package.test.ts reads it to tell which
// packages each chunk a command loaded carries.
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/fast`;
const lite = `${root}dist/src/cli/oclif-lite.js`;

const oclifLite = {
  name: 'oclif-lite',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, () => ({path: lite}));
    b.onResolve({filter: /^@oclif\//}, (args) => ({errors: [{text: `${args.path} imported by ${args.importer}: the fast path has only what src/cli/oclif-lite.ts provides`}]}));
  },
};

// A CommonJS package loaded with `await import('pkg')` becomes, once split into its own chunk,
// an ES module with only a default export: `const {parseDocument} = await import('yaml')` would
// find nothing. Such imports go through a small ES module that names the package's exports.
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) return JSON.parse(readFileSync(pj, 'utf8')).type !== 'module';
  }
  return true;
}

// `await import('@kubernetes/client-node')` keeps the whole package (3 MB, every generated API
// and model): esbuild cannot tell which names a namespace object is used for. Such an import of
// an ES module package goes through a module re-exporting only the package's names that occur
// as identifiers anywhere in our compiled code: a superset of what is used, whatever file
// uses it, so tree shaking can drop the rest without a list to keep in step.
let identifiers;
function ourIdentifiers() {
  if (identifiers) return identifiers;
  identifiers = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) for (const m of readFileSync(p, 'utf8').matchAll(/[A-Za-z_$][\w$]*/g)) identifiers.add(m[0]);
    }
  };
  walk(`${root}dist/src`);
  walk(`${root}dist/commands`);
  return identifiers;
}

const usedEsm = {
  name: 'used-esm-exports',
  setup(b) {
    b.onResolve({filter: /^[^./]/}, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'used-esm-exports') return undefined;
      const r = await b.resolve(args.path, {kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer, pluginData: 'used-esm-exports'});
      if (r.errors.length > 0 || r.external || isCommonJs(r.path)) return undefined;
      return {path: r.path, namespace: 'used-esm-exports'};
    });
    b.onLoad({filter: /.*/, namespace: 'used-esm-exports'}, async (args) => {
      const used = ourIdentifiers();
      const names = Object.keys(await import(pathToFileURL(args.path).href)).filter((k) => k !== 'default' && used.has(k));
      return {contents: `export {${names.join(', ')}} from ${JSON.stringify(args.path)};\n`, resolveDir: dirname(args.path), loader: 'js'};
    });
  },
};

const namedCommonJs = {
  name: 'named-commonjs',
  setup(b) {
    b.onResolve({filter: /^[^./]/}, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'named-commonjs') return undefined;
      const r = await b.resolve(args.path, {kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer, pluginData: 'named-commonjs'});
      if (r.errors.length > 0 || r.external || !isCommonJs(r.path)) return undefined;
      return {path: r.path, namespace: 'named-commonjs'};
    });
    b.onLoad({filter: /.*/, namespace: 'named-commonjs'}, (args) => {
      const names = Object.keys(createRequire(args.path)(args.path)).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      return {
        contents: `import m from ${JSON.stringify(args.path)};\nexport default m;\nexport const {${names.join(', ')}} = m;\n`,
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

rmSync(outdir, {recursive: true, force: true});
mkdirSync(outdir, {recursive: true});
const t0 = Date.now();
const result = await build({
  entryPoints: {main: `${root}dist/src/cli/fast.js`},
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  keepNames: true, // our errors name themselves after their class (KsError subclasses)
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); an ES module has none of its own.
  banner: {js: "import{createRequire as __ksRequire}from'node:module';const require=__ksRequire(import.meta.url);"},
  plugins: [oclifLite, namedCommonJs, usedEsm],
});
// `import(variable)` is left as it is, relative to the chunk's own folder, where nothing is:
// every dynamic import must name its module literally for the bundle to carry it.
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  const text = readFileSync(join(root, file), 'utf8');
  const bad = text.match(/\bimport\((?!["'`])[^)]{0,40}/);
  if (bad) {
    const sources = Object.keys(out.inputs).filter((i) => !i.includes('node_modules')).join(', ');
    throw new Error(`${file}: a dynamic import without a literal path (${bad[0]}…), from one of ${sources}; write import('./literal/path.js')`);
  }
}
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));
writeFileSync(`${outdir}/package.json`, '{"type": "module"}\n');
if (process.env.KUBECTL_SECRET_BUILD_VERBOSE) {
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  process.stderr.write(`build: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB in dist/fast (${Date.now() - t0} ms)\n`);
}
