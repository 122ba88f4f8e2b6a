// Entry point of the single executable, bundled by bundle.mjs into one CommonJS file (the
// format Node 24's SEA runs). oclif normally reads package.json from the CLI's root and
// imports the command registry and help class from files; a SEA has neither, so the
// package.json fields are inlined here at build time and oclif's module loader (patched by
// bundle.mjs) is served the bundled modules registered below.
import {flush, handle, run, settings} from '@oclif/core';
import {basename, dirname} from 'node:path';
import pjson from '../../package.json' with {type: 'json'};
import {COMMANDS} from '../../dist/commands/index.js';
import * as help from '../../dist/commands/_help.js';
import {runCompletion} from '../../dist/src/completion/main.js';
// The autocomplete plugin cannot be loaded as a plugin (oclif looks for its package.json on
// disk), so its commands join the registry; the package's exports map hides them, hence paths.
import Autocomplete from '../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js';
import AutocompleteCreate from '../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js';
import AutocompleteScript from '../../node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js';

const all = {...COMMANDS, autocomplete: Autocomplete, 'autocomplete:create': AutocompleteCreate, 'autocomplete:script': AutocompleteScript};
globalThis[Symbol.for('kubectl-secret.sea-modules')] = {
  'dist/commands/index.js': {COMMANDS: all},
  'dist/commands/_help.js': help,
};
settings.enableAutoTranspile = false;

const argv = process.argv.slice(2);
// Invoked as kubectl_complete-secret (a symlink to this binary), or as `kubectl-secret __complete`.
const asCompleter = basename(process.argv0 ?? '').replace(/\.exe$/i, '') === 'kubectl_complete-secret';
if (asCompleter || argv[0] === '__complete') {
  runCompletion(all, asCompleter ? argv : argv.slice(1)).then((code) => { process.exitCode = code; });
} else {
  const {name, version, type, oclif} = pjson;
  run(argv, {root: dirname(process.execPath), pjson: {name, version, type, oclif: {...oclif, plugins: []}}})
    .then(() => flush())
    .catch((error) => handle(error));
}
