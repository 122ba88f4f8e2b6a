// esbuild plugins shared by the npm build (scripts/build.mjs) and the single executable's
// bundle (scripts/package/bundle.mjs).
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

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

/**
 * Sends each dynamic import of a package (ESM or CommonJS, as `commonJs` says) to the plugin's
 * own namespace `tag`, resolved as esbuild resolves a static import; the plugin's onLoad then
 * writes the module that stands in for it.
 */
function claimDynamicImports(b, tag, commonJs) {
  b.onResolve({filter: /^[^./]/}, async (args) => {
    if (args.kind !== 'dynamic-import' || args.pluginData === tag) return undefined;
    const r = await b.resolve(args.path, {kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer, pluginData: tag});
    if (r.errors.length > 0 || r.external || isCommonJs(r.path) !== commonJs) return undefined;
    return {path: r.path, namespace: tag};
  });
}

export const usedEsm = {
  name: 'used-esm-exports',
  setup(b) {
    claimDynamicImports(b, 'used-esm-exports', false);
    b.onLoad({filter: /.*/, namespace: 'used-esm-exports'}, async (args) => {
      const used = ourIdentifiers();
      const names = Object.keys(await import(pathToFileURL(args.path).href)).filter((k) => k !== 'default' && used.has(k));
      return {contents: `export {${names.join(', ')}} from ${JSON.stringify(args.path)};\n`, resolveDir: dirname(args.path), loader: 'js'};
    });
  },
};

export const namedCommonJs = {
  name: 'named-commonjs',
  setup(b) {
    claimDynamicImports(b, 'named-commonjs', true);
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
