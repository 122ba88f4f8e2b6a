// Entry point of the single executable, bundled by bundle.mjs into one CommonJS file (the
// format Node 24's SEA runs). It tries the fast path first (src/cli/fast.ts: the commands
// without oclif, as bin/run.js does for npm); oclif and the command classes compiled for it
// are imported only when the fast path hands an argv over, so a bundled-but-unused oclif is
// never evaluated. oclif normally reads package.json from the CLI's root and imports the
// command registry and help class from files; a SEA has neither, so the package.json fields
// are inlined here at build time and oclif's module loader (patched by bundle.mjs) is served
// the bundled modules registered below.
import {basename, dirname} from 'node:path';
import pjson from '../../package.json' with {type: 'json'};
import {complete, runFast} from '../../dist/src/cli/fast.js';

const {name, version, type, oclif} = pjson;
const runtimePjson = {name, version, type, oclif: {...oclif, plugins: []}};

async function viaOclif(argv, loadOptions) {
  const [{flush, handle, run, settings}, {COMMANDS}, help, notFound, autocomplete, create, script] = await Promise.all([
    import('@oclif/core'),
    import('../../dist/commands/index.js'),
    import('../../dist/commands/_help.js'),
    // package.json's oclif.hooks.command_not_found: a mistyped command, flags before the command.
    import('../../dist/commands/_not-found.js'),
    // The autocomplete plugin cannot be loaded as a plugin (oclif looks for its package.json on
    // disk), so its commands join the registry; the package's exports map hides them, hence paths.
    import('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js'),
    import('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js'),
    import('../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js'),
  ]);
  const all = {...COMMANDS, autocomplete: autocomplete.default, 'autocomplete:create': create.default, 'autocomplete:script': script.default};
  globalThis[Symbol.for('kubectl-secret.sea-modules')] = {
    'dist/commands/index.js': {COMMANDS: all},
    'dist/commands/_help.js': help,
    'dist/commands/_not-found.js': notFound,
  };
  settings.enableAutoTranspile = false;
  return run(argv, loadOptions).then(() => flush()).catch((error) => handle(error));
}

function main() {
  const argv = process.argv.slice(2);
  const loadOptions = {root: dirname(process.execPath), pjson: runtimePjson};
  // Invoked as kubectl_complete-secret (a symlink to this binary), or as `kubectl-secret __complete`.
  const asCompleter = basename(process.argv0 ?? '').replace(/\.exe$/i, '') === 'kubectl_complete-secret';
  if (asCompleter || argv[0] === '__complete') {
    complete(asCompleter ? argv : argv.slice(1), oclif.topics).then((code) => { process.exitCode = code; });
  } else {
    // sea-loader.cjs tried the fast path's own chunks already when it sets oclif-only.
    const oclifOnly = process.env.KUBECTL_SECRET_FULL_OCLIF || globalThis[Symbol.for('kubectl-secret.sea-oclif-only')];
    (oclifOnly ? Promise.resolve(false) : runFast(argv, loadOptions))
      .then((handled) => (handled ? undefined : viaOclif(argv, loadOptions)));
  }
}

// The build's training run (sea-train.cjs) runs commands through the fast path in its own
// process, to compile what they call before V8's code cache is written; it asks for the fast
// path instead of a run.
const training = globalThis[Symbol.for('kubectl-secret.sea-train')];
if (training) Object.assign(training, {runFast, complete, pjson: runtimePjson});
else main();
