// Bundles the compiled CLI (dist/) and its dependencies into one CommonJS file for the SEA.
// esbuild follows the `await import('../src/…')` calls in commands because their paths are
// literals, so lazily loaded modules end up in the bundle and are still evaluated lazily.
import {readFile, writeFile} from 'node:fs/promises';
import {dirname, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {commandRegistry, lazyYamlLibs, liteCommandFacts, usedEsm, yamlEsm} from '../esbuild-plugins.mjs';

const MODULES_KEY = "Symbol.for('kubectl-secret.sea-modules')";

// oclif's module loader resolves the command registry and help class as files under the
// CLI's root and imports them. In the SEA these modules are in the bundle: answer from the
// registry sea-main.mjs fills, keyed by the path relative to the root.
const LOOKUP = `
function __ksSeaModule(config, modulePath) {
  const mods = globalThis[${MODULES_KEY}];
  if (!mods || typeof modulePath !== 'string') return undefined;
  const path = require('node:path');
  const rel = path.relative(config.root, path.resolve(config.root, modulePath)).split(path.sep).join('/');
  return mods[rel];
}
`;

const PATCHES = [
  ['async function load(config, modulePath) {', 'const __m = __ksSeaModule(config, modulePath); if (__m) return __m;'],
  ['async function loadWithData(config, modulePath) {', 'const __m = __ksSeaModule(config, modulePath); if (__m) return {filePath: modulePath, isESM: true, module: __m};'],
];

const oclifModuleLoader = {
  name: 'oclif-sea-module-loader',
  setup(b) {
    b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/}, async (args) => {
      let text = await readFile(args.path, 'utf8');
      for (const [anchor, insert] of PATCHES) {
        if (!text.includes(anchor)) throw new Error(`@oclif/core's module-loader.js changed: "${anchor}" not found; update scripts/package/bundle.mjs`);
        text = text.replace(anchor, `${anchor} ${insert}`);
      }
      return {contents: text + LOOKUP, loader: 'js'};
    });
  },
};

// The fast path (src/cli/fast.ts) runs the command classes compiled against
// src/cli/oclif-lite.ts, as scripts/build.mjs does for npm. Here both worlds share one bundle:
// fast.js and every module of dist/commands reached from it are loaded a second time in the
// "lite" namespace, where @oclif/core is the lite module; src/ stays shared between the two.
const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));
const liteModule = `${distDir}src${sep}cli${sep}oclif-lite.js`;
const liteCommands = {
  name: 'lite-commands',
  setup(b) {
    b.onResolve({filter: /cli\/fast\.js$/}, (args) => (args.namespace === 'file' ? {path: resolve(args.resolveDir, args.path), namespace: 'lite'} : undefined));
    b.onResolve({filter: /^@oclif\/core$/, namespace: 'lite'}, () => ({path: liteModule}));
    b.onResolve({filter: /^\./, namespace: 'lite'}, (args) => {
      const path = resolve(args.resolveDir, args.path);
      // command-registry.js imports the command modules (commandRegistry): they must be the lite ones.
      const lite = path.startsWith(`${distDir}commands${sep}`) || path === `${distDir}src${sep}cli${sep}command-registry.js`;
      return lite ? {path, namespace: 'lite'} : {path};
    });
    b.onLoad({filter: /.*/, namespace: 'lite'}, async (args) => ({contents: await readFile(args.path, 'utf8'), resolveDir: dirname(args.path), loader: 'js'}));
  },
};

/** Writes the bundle to `outfile`; returns esbuild's metafile for size reports. */
export async function bundle(outfile) {
  const facts = await liteCommandFacts(liteModule);
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./sea-main.mjs', import.meta.url))],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile,
    minify: true,
    keepNames: true, // oclif and our errors use class names (KsError subclasses set name = new.target.name)
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // oclif requires typescript only to run .ts sources in development, which a SEA never does.
    external: ['typescript'],
    plugins: [oclifModuleLoader, commandRegistry(facts), liteCommands, lazyYamlLibs('inline'), yamlEsm, usedEsm],
  });
  // esbuild escapes non-ASCII characters in strings but leaves some in regular expressions
  // (`/…$/`); as \uXXXX they mean the same there, and the single executable's loader can read
  // the bundle as Latin-1, several ms faster than decoding 3 MB of UTF-8 (sea-loader.cjs).
  const text = await readFile(outfile, 'utf8');
  await writeFile(outfile, text.replace(/[^\t-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return result.metafile;
}
