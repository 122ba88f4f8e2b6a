// esbuild plugins shared by the npm build (scripts/build.mjs) and the single executable's
// bundle (scripts/package/bundle.mjs).
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

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

// `yaml`'s "node" export is its CommonJS build: bundled, every one of its ~50 modules becomes a
// closure evaluated through esbuild's require shim, and its require('process') and
// require('buffer') go through Node's CommonJS loader. Its ES module build (the "default" export,
// the same version and source, which checks for process and Buffer at run time) is bundled as
// plain hoisted code and tree-shaken: about 15 ms less CPU for scan FILE and seal --cert
// (docs/performance.md).
const yamlEsmEntry = join(root, 'node_modules', 'yaml', 'browser', 'index.js');
export const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({filter: /^yaml$/}, () => (existsSync(yamlEsmEntry) ? {path: yamlEsmEntry} : undefined));
  },
};

// src/manifests/yaml-libs.ts loads `yaml` and js-yaml synchronously on first use, through
// `require` from node_modules. Bundled, that module is replaced: for the code-split build
// ('chunks') each library is a dynamic import, so esbuild gives it a chunk of its own that no
// command loads up front, and scripts/build.mjs turns `__ksSyncChunk(import("./x.js"))` into a
// synchronous `require("./x.js")` of that chunk (bin/fast-loader.js loads chunks synchronously);
// in the single executable ('inline') the library is in the one bundle, evaluated on first use.
const YAML_LIBS = /[\\/]src[\\/]manifests[\\/]yaml-libs\.js$/;
export const SYNC_CHUNK = '__ksSyncChunk';
export function lazyYamlLibs(mode) {
  const load = mode === 'chunks' ? (lib) => `${SYNC_CHUNK}(import(${JSON.stringify(lib)}))` : (lib) => `require(${JSON.stringify(lib)})`;
  return {
    name: 'lazy-yaml-libs',
    setup(b) {
      b.onLoad({filter: YAML_LIBS}, (args) => ({
        contents: `let y, j;\nexport const yaml = () => (y ??= ${load('yaml')});\nexport const jsyaml = () => (j ??= ${load('js-yaml')});\n`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

// The fast path needs every command's flags and arguments (the completer's spec) and which
// commands exist and how each reads its arguments (to find the command in argv), and evaluating
// every command class for them was about half of --version's and the completer's start-up. They
// are computed here, when the bundle is built, from the same classes compiled against
// `liteModule` (as the fast path runs them); commandRegistry() and completionSpec() put them in
// the bundle in place of src/cli/command-registry.js and src/cli/completion-spec.js.
export async function liteCommandFacts(liteModule) {
  const tmp = join(root, 'dist', `.command-facts-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: [
        "import {COMMANDS} from './commands/index.js';",
        "import {specFromCommands} from './src/completion/complete.js';",
        "import {routesOf} from './src/cli/command-registry.js';",
        'export default {spec: specFromCommands(COMMANDS), routes: routesOf(COMMANDS)};',
      ].join('\n'),
      resolveDir: join(root, 'dist'),
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile: tmp,
    logLevel: 'warning',
    plugins: [{name: 'oclif-lite', setup: (b) => b.onResolve({filter: /^@oclif\/core$/}, () => ({path: liteModule}))}],
  });
  let facts;
  try {
    facts = (await import(pathToFileURL(tmp).href)).default;
  } finally {
    rmSync(tmp, {force: true});
  }
  return {...facts, files: commandFiles(Object.keys(facts.routes))};
}

/** Each command id's module, read from the registry tsc wrote (`import X from './x.js'` and `id: X`). */
function commandFiles(ids) {
  const text = readFileSync(join(root, 'dist', 'commands', 'index.js'), 'utf8');
  const imports = new Map([...text.matchAll(/^import (\w+) from '(\.\/[^']+)';$/gm)].map((m) => [m[1], m[2]]));
  const body = text.slice(text.indexOf('export const COMMANDS'));
  const files = Object.fromEntries([...body.matchAll(/^\s*(?:'([^']+)'|([\w-]+)):\s*(\w+),?$/gm)].map((m) => [m[1] ?? m[2], imports.get(m[3])]));
  const missing = ids.filter((id) => !files[id]);
  if (missing.length > 0) throw new Error(`dist/commands/index.js: no module found for ${missing.join(', ')}; scripts/esbuild-plugins.mjs reads \`import X from './x.js'\` and \`id: X,\` lines`);
  return files;
}

const REGISTRY_FILE = /[\\/]src[\\/]cli[\\/]command-registry\.js$/;
const SPEC_FILE = /[\\/]src[\\/]cli[\\/]completion-spec\.js$/;

export function commandRegistry(facts) {
  const loaders = Object.entries(facts.files).map(([id, file]) => `  ${JSON.stringify(id)}: () => import(${JSON.stringify(`../../commands/${file.slice(2)}`)}),`);
  return {
    name: 'command-registry',
    setup(b) {
      b.onLoad({filter: REGISTRY_FILE}, (args) => ({
        contents: [
          `const ROUTES = JSON.parse(${JSON.stringify(JSON.stringify(facts.routes))});`,
          'const LOADERS = {',
          ...loaders,
          '};',
          'export async function commandRoutes() {\n  return ROUTES;\n}',
          'export async function loadCommand(id) {\n  return (await LOADERS[id]?.())?.default;\n}',
        ].join('\n'),
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
      b.onLoad({filter: SPEC_FILE}, (args) => ({
        contents: `export async function completionSpec() {\n  return JSON.parse(${JSON.stringify(JSON.stringify(facts.spec))});\n}\n`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

// simple-git (and its @kwsites/file-exists) logs through `debug`, which at load requires tty, util and supports-color and
// reads the terminal's colour support: ~8 ms CPU of every hook run. Its loggers print only when
// DEBUG names them, and the fast path never runs with DEBUG set (src/cli/fast.ts hands such
// runs to oclif, which loads simple-git and debug from node_modules). So in the npm fast
// bundle, simple-git's `debug` is a logger that is never enabled. Not for the single
// executable, whose oclif path shares this bundled simple-git.
const QUIET_DEBUG = `
function logger(namespace) {
  const log = () => {};
  return Object.assign(log, {namespace, enabled: false, color: '', log, destroy: () => true, extend: (sub, delimiter = ':') => logger(namespace + delimiter + sub)});
}
export default Object.assign(logger, {formatters: {}, names: [], skips: [], enable() {}, disable: () => '', enabled: () => false});
`;
export const quietDebugForSimpleGit = {
  name: 'quiet-debug-for-simple-git',
  setup(b) {
    b.onResolve({filter: /^debug$/}, (args) => (/[\\/]node_modules[\\/](simple-git|@kwsites[\\/]file-exists)[\\/]/.test(args.importer) ? {path: 'debug', namespace: 'quiet-debug'} : undefined));
    b.onLoad({filter: /.*/, namespace: 'quiet-debug'}, () => ({contents: QUIET_DEBUG, loader: 'js'}));
  },
};
