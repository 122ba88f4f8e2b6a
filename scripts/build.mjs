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
// - What the fast path needs to know of every command (the completer's spec; which commands
//   exist and how they read arguments) is computed here from the same lite classes and inlined
//   (esbuild-plugins.mjs, commandRegistry), with one import per command: a TAB press and
//   --version evaluate no command class, a command run only its own.
//
// dist/fast-meta.json is esbuild's metafile, beside dist/fast so the package does not ship it
// (1 MB): test/e2e/package.test.ts and fast-path.test.ts read it to tell which
// packages each chunk a command loaded carries.
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, transform} from 'esbuild';
import {commandRegistry, lazyYamlLibs, liteCommandFacts, namedCommonJs, quietDebugForSimpleGit, SYNC_CHUNK, usedEsm, yamlEsm} from './esbuild-plugins.mjs';

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

rmSync(outdir, {recursive: true, force: true});
mkdirSync(outdir, {recursive: true});
const t0 = Date.now();
const facts = await liteCommandFacts(lite);
const result = await build({
  // scan-worker: a scan's worker threads (src/scan/parallel.ts, via bin/scan-worker.js) share
  // the command's chunks, and so its code cache.
  entryPoints: {main: `${root}dist/src/cli/fast.js`, 'scan-worker': `${root}dist/src/scan/parallel-worker.js`},
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  // Identifiers keep their names, so classes and functions keep theirs (our errors name
  // themselves after their class; parse errors are told apart by it). keepNames would do the
  // same for minified names at the cost of a __name() call per function created, inside hot
  // loops too.
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); an ES module has none of its own.
  banner: {js: "import{createRequire as __ksRequire}from'node:module';const require=__ksRequire(import.meta.url);"},
  plugins: [oclifLite, commandRegistry(facts), lazyYamlLibs('chunks'), yamlEsm, quietDebugForSimpleGit, namedCommonJs, usedEsm],
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
// Each chunk becomes the body of a CommonJS function, which bin/fast-loader.js runs through
// vm.Script with a V8 code cache holding what a run compiled (Node's compile cache for ES
// modules holds only what V8 compiles before a module runs). esbuild splits only ES modules,
// hence the second step; every import of a chunk becomes a require of its relative path, and
// an `import('./x.js')` a promise of one, so a chunk is still loaded only when first needed.
const BANNER = "import{createRequire as __ksRequire}from'node:module';const require=__ksRequire(import.meta.url);";
const id = createHash('sha256');
for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).sort()) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith(BANNER)) throw new Error(`${file}: esbuild's banner is missing`);
  // A library loaded synchronously (lazyYamlLibs): its chunk, required when first asked for.
  const body = text.slice(BANNER.length).replace(new RegExp(`${SYNC_CHUNK}\\(import\\(("\\./[^"]+\\.js")\\)\\)`, 'g'), 'require($1)');
  if (body.includes(SYNC_CHUNK)) throw new Error(`${file}: ${SYNC_CHUNK} left in the bundle: esbuild wrote its dynamic import in another shape; update scripts/build.mjs`);
  const {code: converted} = await transform(body, {format: 'cjs', loader: 'js', minifyWhitespace: true, minifySyntax: true, target: 'node22', supported: {'dynamic-import': false}, logLevel: 'warning'});
  // esbuild escapes non-ASCII characters in strings but leaves some in regular expressions; as
  // \\uXXXX they mean the same there (scripts/package/bundle.mjs does the same for the SEA).
  const code = converted.replace(/[^\t-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (/import\.meta/.test(code)) throw new Error(`${file}: import.meta is left after conversion to CommonJS`);
  writeFileSync(path, code);
  id.update(file).update('\0').update(code).update('\0');
}
writeFileSync(join(outdir, '..', 'fast-meta.json'), JSON.stringify(result.metafile));
// Never imported by Node's loader; the build id names the code cache directory (bin/fast-loader.js).
writeFileSync(`${outdir}/package.json`, `${JSON.stringify({type: 'commonjs', buildId: id.digest('hex').slice(0, 16)})}\n`);
if (process.env.KUBECTL_SECRET_BUILD_VERBOSE) {
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  process.stderr.write(`build: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB in dist/fast (${Date.now() - t0} ms)\n`);
}
